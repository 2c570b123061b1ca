// Azure Bot registration: the bot authenticates as the web app's user-assigned managed identity,
// so the registration has no app password.

@maxLength(64)
param botServiceName string

@maxLength(42)
param botDisplayName string

@description('F0 is free and unlimited for Microsoft Teams (a standard channel).')
param botServiceSku string = 'F0'

param identityClientId string
param identityResourceId string
param identityTenantId string

@description('Host name of the web app, without https://')
param botAppDomain string

resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  name: botServiceName
  kind: 'azurebot'
  location: 'global'
  sku: {
    name: botServiceSku
  }
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${botAppDomain}/api/messages'
    msaAppId: identityClientId
    msaAppMSIResourceId: identityResourceId
    msaAppTenantId: identityTenantId
    msaAppType: 'UserAssignedMSI'
  }
}

resource botServiceMsTeamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  name: 'MsTeamsChannel'
  location: 'global'
  properties: {
    channelName: 'MsTeamsChannel'
    properties: {
      isEnabled: true
    }
  }
}

output botServiceName string = botService.name
