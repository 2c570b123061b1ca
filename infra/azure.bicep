// Azure resources of Contact Télésanté, deployed by `atk provision` (m365agents.yml, arm/deploy).
// No keys or passwords anywhere: the web app reaches the Bot Framework and Cosmos DB with one
// user-assigned managed identity. Outputs are written to env/.env.<env> by the Agents Toolkit.

@maxLength(20)
@minLength(4)
@description('Prefix of every resource name, e.g. telesantedev.')
param resourceBaseName string

@description('Region of the data, the web app and the logs. Canada Central keeps patient data in Canada.')
param location string = 'canadacentral'

@description('App Service plan SKU (Linux). B1 is enough for a few care teams; alwaysOn needs Basic or above.')
param webAppSku string = 'B1'

@maxLength(42)
@description('Name of the bot in the Azure Bot registration.')
param botDisplayName string

@description('Tenant ids allowed to use the bot, comma-separated. Empty: only the tenant the bot is deployed in.')
param allowedTenantIds string = ''

@description('Autoscale ceiling of the container, in RU/s (billed from 10% of it).')
param cosmosMaxThroughput int = 1000

// Web app, Cosmos DB and bot names are global: a short stable suffix keeps them unique.
var suffix = take(uniqueString(resourceGroup().id, resourceBaseName), 6)
var webAppName = '${resourceBaseName}-${suffix}'
var cosmosAccountName = toLower('${resourceBaseName}-db-${suffix}')
var databaseName = 'telesante'
var containerName = 'teamdata'
// Built-in "Cosmos DB Built-in Data Contributor" (data plane: read and write items, no keys).
var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${resourceBaseName}-id'
  location: location
}

resource logs 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: '${resourceBaseName}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: 30
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${resourceBaseName}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logs.id
    IngestionMode: 'LogAnalytics'
  }
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: cosmosAccountName
  location: location
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: false
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    // Entra ID only: account keys cannot be used, so there is none to leak or rotate.
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Enabled'
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous7Days'
      }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: cosmos
  name: databaseName
  properties: {
    resource: {
      id: databaseName
    }
  }
}

// One container for every team; each team is its own logical partition. Default (consistent) indexing.
resource container 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = {
  parent: database
  name: containerName
  properties: {
    resource: {
      id: containerName
      partitionKey: {
        paths: [
          '/teamId'
        ]
        kind: 'Hash'
        version: 2
      }
    }
    options: {
      autoscaleSettings: {
        maxThroughput: cosmosMaxThroughput
      }
    }
  }
}

resource cosmosDataContributor 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmos
  name: guid(cosmos.id, identity.id, cosmosDataContributorRoleId)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributorRoleId}'
    principalId: identity.properties.principalId
    scope: cosmos.id
  }
}

resource plan 'Microsoft.Web/serverfarms@2023-12-01' = {
  name: '${resourceBaseName}-plan'
  location: location
  kind: 'linux'
  sku: {
    name: webAppSku
  }
  properties: {
    reserved: true // Linux
  }
}

resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  name: webAppName
  location: location
  kind: 'app,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    siteConfig: {
      linuxFxVersion: 'NODE|22-lts' // Node 20 reached end of life on 2026-04-30
      appCommandLine: 'node dist/index.js'
      alwaysOn: true // proactive alerts and the purge run in the process
      healthCheckPath: '/healthz'
      ftpsState: 'Disabled'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      http20Enabled: true
      appSettings: [
        {
          name: 'BOT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'BOT_TENANT_ID'
          value: identity.properties.tenantId
        }
        {
          name: 'BOT_TYPE'
          value: 'UserAssignedMsi'
        }
        {
          // Lets DefaultAzureCredential pick this identity for Cosmos DB.
          name: 'AZURE_CLIENT_ID'
          value: identity.properties.clientId
        }
        {
          name: 'COSMOS_ENDPOINT'
          value: cosmos.properties.documentEndpoint
        }
        {
          name: 'COSMOS_DATABASE'
          value: databaseName
        }
        {
          name: 'COSMOS_CONTAINER'
          value: containerName
        }
        {
          name: 'APPLICATIONINSIGHTS_CONNECTION_STRING'
          value: appInsights.properties.ConnectionString
        }
        {
          name: 'NODE_ENV'
          value: 'production'
        }
        {
          name: 'ALLOWED_TENANT_IDS'
          value: empty(allowedTenantIds) ? tenant().tenantId : allowedTenantIds
        }
        {
          name: 'RUNNING_ON_AZURE'
          value: '1'
        }
        {
          // The deployed zip is mounted read-only and run as is: no build on the server.
          name: 'WEBSITE_RUN_FROM_PACKAGE'
          value: '1'
        }
        {
          name: 'SCM_DO_BUILD_DURING_DEPLOYMENT'
          value: 'false'
        }
      ]
    }
  }
}

// FTP is never used. SCM basic auth stays on: the Agents Toolkit's zipDeploy fetches the site's
// publishing credentials through ARM at each deploy and uses them once; nobody stores them.
resource ftpBasicAuth 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2023-12-01' = {
  parent: webApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

module azureBotRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    botServiceName: '${resourceBaseName}-bot-${suffix}'
    botDisplayName: botDisplayName
    identityClientId: identity.properties.clientId
    identityResourceId: identity.id
    identityTenantId: identity.properties.tenantId
    botAppDomain: webApp.properties.defaultHostName
  }
}

// Written to env/.env.<env> by `atk provision`; nothing secret here.
output BOT_ID string = identity.properties.clientId
output BOT_TENANT_ID string = identity.properties.tenantId
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output COSMOS_ENDPOINT string = cosmos.properties.documentEndpoint
output COSMOS_DATABASE string = databaseName
output COSMOS_CONTAINER string = containerName
