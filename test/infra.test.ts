// Static checks of the deployment files: no Bicep compiler or Azure account is available here,
// so these read the text for the properties that matter to the product.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { parseDotenv } from '../scripts/package';
import { placeholdersIn } from '../scripts/manifest';

const ROOT = join(__dirname, '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

const main = read('infra/azure.bicep');
const bot = read('infra/botRegistration/azurebot.bicep');
const parametersText = read('infra/azure.parameters.json');
const ymlText = read('m365agents.yml');
const envDev = parseDotenv(read('env/.env.dev'));

/** Text of the Bicep resource declared with `symbol`, up to the next top-level declaration. */
function resourceBlock(bicep: string, symbol: string): string {
  const start = bicep.search(new RegExp(`^resource ${symbol} '`, 'm'));
  expect(start).toBeGreaterThanOrEqual(0);
  const rest = bicep.slice(start + 1);
  const end = rest.search(/^(resource|module|output|param|var) /m);
  return end < 0 ? rest : rest.slice(0, end);
}

function params(bicep: string): Map<string, { hasDefault: boolean }> {
  return new Map([...bicep.matchAll(/^param (\w+) \w+( = .*)?$/gm)].map((m) => [m[1]!, { hasDefault: m[2] !== undefined }]));
}

function appSettings(): Record<string, string> {
  const block = resourceBlock(main, 'webApp');
  return Object.fromEntries([...block.matchAll(/name: '(\w+)'\s+value: ([^\n]+)/g)].map((m) => [m[1]!, m[2]!.trim()]));
}

describe('infra/azure.bicep', () => {
  it('keeps the data in Canada Central by default', () => {
    expect(main).toMatch(/^param location string = 'canadacentral'$/m);
    expect(JSON.parse(parametersText).parameters.location.value).toBe('canadacentral');
  });

  it('creates the Cosmos DB account with Entra ID only, session consistency and continuous backup', () => {
    const cosmos = resourceBlock(main, 'cosmos');
    expect(cosmos).toContain("'Microsoft.DocumentDB/databaseAccounts@");
    expect(cosmos).toMatch(/disableLocalAuth: true/);
    expect(cosmos).toMatch(/defaultConsistencyLevel: 'Session'/);
    expect(cosmos).toMatch(/type: 'Continuous'/);
    expect(cosmos).toMatch(/locationName: location/);
  });

  it('creates database telesante and container teamdata partitioned by /teamId (hash, v2), default indexing', () => {
    expect(main).toMatch(/var databaseName = 'telesante'/);
    expect(main).toMatch(/var containerName = 'teamdata'/);
    const container = resourceBlock(main, 'container');
    expect(container).toMatch(/paths: \[\s*'\/teamId'\s*\]/);
    expect(container).toMatch(/kind: 'Hash'/);
    expect(container).toMatch(/version: 2/);
    expect(container).not.toMatch(/compositeIndexes/);
  });

  it('grants the managed identity the built-in Cosmos DB Data Contributor role, and nothing uses keys', () => {
    const role = resourceBlock(main, 'cosmosDataContributor');
    expect(main).toMatch(/var cosmosDataContributorRoleId = '00000000-0000-0000-0000-000000000002'/);
    expect(role).toMatch(/sqlRoleDefinitions\/\$\{cosmosDataContributorRoleId\}/);
    expect(role).toMatch(/principalId: identity\.properties\.principalId/);
    for (const text of [main, bot]) {
      const code = text.replace(/\/\/.*$/gm, '');
      expect(code).not.toMatch(/listKeys|listConnectionStrings|primaryMasterKey|@secure\(\)|password/i);
    }
  });

  it('runs the bot on a Linux Node 22 LTS web app that is always on, HTTPS-only, health-checked', () => {
    const web = resourceBlock(main, 'webApp');
    expect(resourceBlock(main, 'plan')).toMatch(/reserved: true/);
    expect(main).toMatch(/^param webAppSku string = 'B1'$/m);
    expect(web).toMatch(/linuxFxVersion: 'NODE\|22-lts'/);
    // The runtime App Service runs is the one package.json asks for.
    expect(JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')).engines.node).toBe('>=22');
    expect(web).toMatch(/httpsOnly: true/);
    expect(web).toMatch(/alwaysOn: true/);
    expect(web).toMatch(/healthCheckPath: '\/healthz'/);
    expect(web).toMatch(/ftpsState: 'Disabled'/);
    expect(web).toMatch(/minTlsVersion: '1\.2'/);
    expect(web).toMatch(/type: 'UserAssigned'/);
  });

  it('gives the web app the settings the bot reads', () => {
    const settings = appSettings();
    expect(settings).toMatchObject({
      BOT_ID: 'identity.properties.clientId',
      BOT_TENANT_ID: 'identity.properties.tenantId',
      BOT_TYPE: "'UserAssignedMsi'",
      COSMOS_ENDPOINT: 'cosmos.properties.documentEndpoint',
      COSMOS_DATABASE: 'databaseName',
      COSMOS_CONTAINER: 'containerName',
      APPLICATIONINSIGHTS_CONNECTION_STRING: 'appInsights.properties.ConnectionString',
      NODE_ENV: "'production'",
      RUNNING_ON_AZURE: "'1'",
      WEBSITE_RUN_FROM_PACKAGE: "'1'",
    });
    expect(settings.ALLOWED_TENANT_IDS).toMatch(/tenant\(\)\.tenantId/);
  });

  it('sends telemetry to a workspace-based Application Insights', () => {
    expect(resourceBlock(main, 'appInsights')).toMatch(/WorkspaceResourceId: logs\.id/);
    expect(resourceBlock(main, 'logs')).toContain("'Microsoft.OperationalInsights/workspaces@");
  });

  it('outputs what env/.env.<env> and the manifest need', () => {
    const outputs = [...main.matchAll(/^output (\w+) /gm)].map((m) => m[1]);
    expect(outputs).toEqual(
      expect.arrayContaining(['BOT_ID', 'BOT_TENANT_ID', 'BOT_DOMAIN', 'BOT_AZURE_APP_SERVICE_RESOURCE_ID', 'COSMOS_ENDPOINT', 'COSMOS_DATABASE', 'COSMOS_CONTAINER']),
    );
    for (const name of outputs) expect(Object.keys(envDev)).toContain(name);
  });

  it('is fed by azure.parameters.json: every parameter declared, every required one given', () => {
    const declared = params(main);
    const given = Object.keys(JSON.parse(parametersText).parameters as Record<string, unknown>);
    for (const name of given) expect(declared.has(name)).toBe(true);
    for (const [name, p] of declared) if (!p.hasDefault) expect(given).toContain(name);
    for (const name of placeholdersIn(parametersText)) expect(Object.keys(envDev)).toContain(name);
  });
});

describe('infra/botRegistration/azurebot.bicep', () => {
  it('registers a global Azure Bot that authenticates as the user-assigned managed identity', () => {
    const svc = resourceBlock(bot, 'botService');
    expect(svc).toMatch(/location: 'global'/);
    expect(svc).toMatch(/msaAppType: 'UserAssignedMSI'/);
    expect(svc).toMatch(/msaAppId: identityClientId/);
    expect(svc).toMatch(/msaAppTenantId: identityTenantId/);
    expect(svc).toMatch(/msaAppMSIResourceId: identityResourceId/);
    expect(svc).toMatch(/endpoint: 'https:\/\/\$\{botAppDomain\}\/api\/messages'/);
    expect(resourceBlock(bot, 'botServiceMsTeamsChannel')).toMatch(/channelName: 'MsTeamsChannel'/);
  });

  it('is given every parameter it requires by azure.bicep', () => {
    const call = main.slice(main.indexOf("module azureBotRegistration './botRegistration/azurebot.bicep'"));
    expect(call.length).toBeLessThan(main.length);
    for (const [name, p] of params(bot)) if (!p.hasDefault) expect(call).toMatch(new RegExp(`^\\s+${name}: `, 'm'));
  });
});

describe('m365agents.yml', () => {
  const yml = parse(ymlText) as Record<string, { uses: string; with?: Record<string, unknown> }[]> & { version: string };
  const uses = (stage: string) => yml[stage]!.map((s) => s.uses);

  it('uses the current Agents Toolkit project format', () => {
    expect(yml.version).toBe('v1.9');
    expect(ymlText).toMatch(/^# yaml-language-server: \$schema=https:\/\/aka\.ms\/m365-agents-toolkits\/v1\.9\/yaml\.schema\.json/);
  });

  it('provisions the Teams app, then Azure, then validates, zips and updates the app', () => {
    expect(uses('provision')).toEqual([
      'teamsApp/create',
      'arm/deploy',
      'teamsApp/validateManifest',
      'teamsApp/zipAppPackage',
      'teamsApp/validateAppPackage',
      'teamsApp/update',
    ]);
    const arm = yml.provision!.find((s) => s.uses === 'arm/deploy')!.with!;
    expect(arm.templates).toEqual([
      { path: './infra/azure.bicep', parameters: './infra/azure.parameters.json', deploymentName: 'Create-resources-for-bot' },
    ]);
  });

  it('deploys a built, production-only zip to the App Service created by provisioning', () => {
    expect(uses('deploy')).toEqual(['cli/runNpmCommand', 'cli/runNpmCommand', 'cli/runNpmCommand', 'azureAppService/zipDeploy', 'cli/runNpmCommand']);
    const zip = yml.deploy!.find((s) => s.uses === 'azureAppService/zipDeploy')!.with!;
    expect(zip).toMatchObject({ artifactFolder: '.', ignoreFile: '.webappignore', resourceId: '${{BOT_AZURE_APP_SERVICE_RESOURCE_ID}}' });
  });

  it('publishes to the tenant app catalog', () => {
    expect(uses('publish')).toContain('teamsApp/publishAppPackage');
  });

  it('refers only to files that exist and variables that env/.env.dev defines', () => {
    for (const path of ymlText.match(/\.\/(infra|appPackage)\/[\w./]+\.(bicep|json)/g) ?? []) expect(existsSync(join(ROOT, path))).toBe(true);
    expect(existsSync(join(ROOT, '.webappignore'))).toBe(true);
    for (const name of placeholdersIn(ymlText)) expect(Object.keys(envDev)).toContain(name);
  });
});

describe('env/.env.dev and .webappignore', () => {
  it('env/.env.dev holds placeholders only: ids left for provisioning, no secrets', () => {
    for (const name of ['TEAMS_APP_ID', 'BOT_ID', 'BOT_DOMAIN', 'AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME']) expect(envDev[name]).toBe('');
    expect(envDev).toMatchObject({ TEAMSFX_ENV: 'dev', APP_NAME_SUFFIX: 'dev' });
    expect(Object.keys(envDev).filter((k) => k.startsWith('SECRET_'))).toEqual([]);
    expect(Object.keys(parseDotenv(read('env/.env.local'))).filter((k) => k.startsWith('SECRET_'))).toEqual([]);
  });

  it('.webappignore ships dist/ and node_modules/ but not the sources, tests or settings', () => {
    const lines = read('.webappignore').split('\n').map((l) => l.trim());
    expect(lines).toEqual(expect.arrayContaining(['src/', 'test/', 'env/', 'infra/', 'appPackage/', '.git']));
    expect(lines.filter((l) => /^(\/)?(dist|node_modules|package(-lock)?\.json)\/?$/.test(l))).toEqual([]);
  });
});
