import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { colorIcon, outlineIcon } from '../scripts/make-icons';
import {
  APP_PACKAGE_DIR,
  KNOWN_PLACEHOLDERS,
  placeholdersIn,
  substitutePlaceholders,
  validateIcons,
  validateLocalization,
  validateManifestSchema,
  validateTeamsRules,
} from '../scripts/manifest';
import { buildAppPackage, parseDotenv } from '../scripts/package';

const FAKE: Record<string, string> = {
  TEAMS_APP_ID: '3f2b6c1e-8d4a-4f7b-9c2e-5a1d7e9b0c44',
  BOT_ID: 'b7e4c2a9-1f3d-4e8b-a6c5-0d9f2e7b3a18',
  BOT_DOMAIN: 'telesantedev-x7k2q9.azurewebsites.net',
  WEBSITE_URL: 'https://www.ciusss-exemple.gouv.qc.ca/contact-telesante',
  PRIVACY_URL: 'https://www.ciusss-exemple.gouv.qc.ca/contact-telesante/confidentialite',
  TERMS_URL: 'https://www.ciusss-exemple.gouv.qc.ca/contact-telesante/conditions',
};

const read = (name: string) => readFileSync(join(APP_PACKAGE_DIR, name), 'utf8');
const manifestTemplate = read('manifest.json');
const frCaText = read('fr-ca.json');

interface Command {
  title: string;
  description: string;
}
interface Manifest {
  [key: string]: unknown;
  bots: { scopes: string[]; supportsFiles: boolean; isNotificationOnly: boolean; botId: string; commandLists: { scopes: string[]; commands: Command[] }[] }[];
}

function filledManifest(vars: Record<string, string> = FAKE): Manifest {
  const { text, missing } = substitutePlaceholders(manifestTemplate, vars);
  expect(missing).toEqual([]);
  return JSON.parse(text) as Manifest;
}

describe('manifest.json', () => {
  it('uses only known placeholders', () => {
    const used = placeholdersIn(manifestTemplate);
    expect(used.filter((p) => !(KNOWN_PLACEHOLDERS as readonly string[]).includes(p))).toEqual([]);
    expect(used).toEqual(expect.arrayContaining(['TEAMS_APP_ID', 'BOT_ID', 'BOT_DOMAIN', 'PRIVACY_URL', 'TERMS_URL', 'WEBSITE_URL']));
  });

  it('is valid against the Teams v1.22 schema once filled, and follows the Teams rules', () => {
    const manifest = filledManifest();
    expect(validateManifestSchema(manifest)).toEqual([]);
    expect(validateTeamsRules(manifest)).toEqual([]);
  });

  it('the schema check really rejects what Teams rejects', () => {
    const notGuid = filledManifest({ ...FAKE, BOT_ID: 'not-a-guid' });
    expect(validateManifestSchema(notGuid).join('\n')).toContain('/bots/0/botId');

    const tooMany = filledManifest();
    const list = tooMany.bots[0]!.commandLists[0]!;
    list.commands.push({ title: 'extra', description: 'one command too many' });
    expect(validateManifestSchema(tooMany).join('\n')).toContain('/bots/0/commandLists/0/commands');

    const unknownField = { ...filledManifest(), colour: 'blue' };
    expect(validateManifestSchema(unknownField).join('\n')).toContain('colour');

    expect(validateManifestSchema({ ...filledManifest(), manifestVersion: '1.17' })).not.toEqual([]);
  });

  it('declares the bot, its scopes, permissions and domain', () => {
    const m = filledManifest();
    expect(m.$schema).toBe('https://developer.microsoft.com/en-us/json-schemas/teams/v1.22/MicrosoftTeams.schema.json');
    expect(m.manifestVersion).toBe('1.22');
    expect(m.id).toBe(FAKE.TEAMS_APP_ID);
    expect(m.permissions).toEqual(['identity', 'messageTeamMembers']);
    expect(m.validDomains).toEqual([FAKE.BOT_DOMAIN]);
    expect(m.developer).toMatchObject({ privacyUrl: FAKE.PRIVACY_URL, termsOfUseUrl: FAKE.TERMS_URL, websiteUrl: FAKE.WEBSITE_URL });
    const bot = m.bots[0]!;
    expect(bot.botId).toBe(FAKE.BOT_ID);
    expect(bot.scopes.sort()).toEqual(['groupChat', 'personal', 'team']);
    expect(bot.supportsFiles).toBe(true);
    expect(bot.isNotificationOnly).toBe(false);
    expect(m.localizationInfo).toEqual({ defaultLanguageTag: 'en-us', additionalLanguages: [{ languageTag: 'fr-ca', file: 'fr-ca.json' }] });
  });

  it('has one command list per scope with the main commands, export and import in personal scope', () => {
    const lists = filledManifest().bots[0]!.commandLists;
    const titles = (scope: string) => lists.find((l) => l.scopes.includes(scope))!.commands.map((c) => c.title);
    const main = ['help', 'add patient', 'list', 'show', 'note', 'set', 'flag', 'follow', 'history', 'settings'];
    expect(titles('team')).toEqual(main);
    expect(titles('groupChat')).toEqual(main);
    expect(titles('personal')).toEqual(expect.arrayContaining(['help', 'following', 'list', 'show', 'history', 'settings', 'export', 'import']));
    for (const list of lists) expect(list.commands.length).toBeLessThanOrEqual(10);
  });

  it('says it complements the clinical record and never replaces it', () => {
    const m = filledManifest() as unknown as { description: { short: string; full: string } };
    expect(m.description.full).toMatch(/complements the clinical record \(DCI\); it never replaces it/);
    expect(m.description.short).toMatch(/DCI/);
    expect(frCaText).toMatch(/complète le dossier clinique informatisé \(DCI\); il ne le remplace jamais/);
  });
});

describe('fr-ca.json', () => {
  const frCa = JSON.parse(frCaText) as Record<string, string>;

  it('follows the localization rules and translates only what the manifest has', () => {
    expect(validateLocalization('fr-ca.json', frCa, filledManifest())).toEqual([]);
  });

  it('translates every command of every list', () => {
    filledManifest().bots[0]!.commandLists.forEach((list, l) =>
      list.commands.forEach((_, c) => {
        expect(frCa[`bots[0].commandLists[${l}].commands[${c}].title`]).toBeTruthy();
        expect(frCa[`bots[0].commandLists[${l}].commands[${c}].description`]).toBeTruthy();
      }),
    );
  });

  it('holds no placeholder: the Agents Toolkit copies language files into the package as they are', () => {
    expect(placeholdersIn(frCaText)).toEqual([]);
  });

  it('the localization check rejects bad keys, lengths and paths', () => {
    const manifest = filledManifest();
    const errorsFor = (strings: Record<string, unknown>) => validateLocalization('fr-ca.json', strings, manifest).join('\n');
    expect(errorsFor({ ...frCa, 'name.short': 'Un nom beaucoup trop long pour Teams, vraiment' })).toMatch(/name.short.*over 30/);
    expect(errorsFor({ ...frCa, 'bots[0].commandLists[0].commands[10].title': 'x' })).toMatch(/not a localizable/);
    expect(errorsFor({ ...frCa, 'bots[0].commandLists[1].commands[0].titre': 'x' })).toMatch(/not a localizable/);
    expect(errorsFor({ ...frCa, 'staticTabs[0].name': 'Accueil' })).toMatch(/translates nothing/);
    const withoutFull: Record<string, unknown> = { ...frCa };
    delete withoutFull['description.full'];
    expect(errorsFor(withoutFull)).toMatch(/lacks the required key description.full/);
    expect(errorsFor({ ...frCa, $schema: 'https://example.org/schema.json' })).toMatch(/\$schema/);
  });
});

describe('icons', () => {
  const colorPng = readFileSync(join(APP_PACKAGE_DIR, 'color.png'));
  const outlinePng = readFileSync(join(APP_PACKAGE_DIR, 'outline.png'));

  it('are the sizes Teams requires; the outline is white on transparent', () => {
    expect(validateIcons(colorPng, outlinePng)).toEqual([]);
    const color = PNG.sync.read(colorPng);
    expect([color.width, color.height]).toEqual([192, 192]);
    const outline = PNG.sync.read(outlinePng);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    let visible = 0;
    for (let i = 0; i < outline.data.length; i += 4) {
      const [r, g, b, a] = [outline.data[i], outline.data[i + 1], outline.data[i + 2], outline.data[i + 3]];
      if (a !== 0) {
        visible++;
        expect([r, g, b]).toEqual([255, 255, 255]);
      }
    }
    expect(visible).toBeGreaterThan(100);
  });

  it('are what scripts/make-icons.ts draws', () => {
    // Pixels, not bytes: the compressed stream may differ between zlib versions.
    const pixels = (png: Buffer) => PNG.sync.read(png).data;
    expect(pixels(colorIcon()).equals(pixels(colorPng))).toBe(true);
    expect(pixels(outlineIcon()).equals(pixels(outlinePng))).toBe(true);
  });

  it('the icon check rejects a wrong size and a coloured outline pixel', () => {
    const outline = PNG.sync.read(outlinePng);
    outline.data.set([255, 0, 0, 255], 0);
    expect(validateIcons(outlinePng, PNG.sync.write(outline)).join('\n')).toMatch(/192x192[\s\S]*not white/);
  });
});

describe('scripts/package.ts', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'apppkg-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const envFile = (name: string, vars: Record<string, string>) =>
    writeFileSync(join(dir, name), `# test\n${Object.entries(vars).map(([k, v]) => `${k}=${v}`).join('\n')}\n`);

  it('zips manifest.json, the icons and fr-ca.json at the root, placeholders filled, later sources winning', async () => {
    const { BOT_ID, TEAMS_APP_ID, ...rest } = FAKE;
    envFile('.env.test', { ...rest, BOT_ID: '00000000-0000-0000-0000-000000000000', TEAMS_APP_ID: '' });
    envFile('.env.test.user', { BOT_ID: BOT_ID!, BOT_DOMAIN: 'overridden-by-process.example.org' });
    const result = await buildAppPackage({
      env: 'test',
      envDir: dir,
      outDir: dir,
      processEnv: { TEAMS_APP_ID, BOT_DOMAIN: FAKE.BOT_DOMAIN },
    });
    expect(result.zipPath).toBe(join(dir, 'appPackage.test.zip'));

    const zip = await JSZip.loadAsync(readFileSync(result.zipPath));
    expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'fr-ca.json', 'manifest.json', 'outline.png']);
    const manifestText = await zip.file('manifest.json')!.async('string');
    expect(manifestText).not.toContain('${{');
    const manifest = JSON.parse(manifestText) as Manifest;
    expect(manifest.id).toBe(TEAMS_APP_ID);
    expect(manifest.bots[0]!.botId).toBe(BOT_ID);
    expect(manifest.validDomains).toEqual([FAKE.BOT_DOMAIN]);
    expect(validateManifestSchema(manifest)).toEqual([]);
    expect(await zip.file('fr-ca.json')!.async('string')).toBe(frCaText);
    expect((await zip.file('color.png')!.async('nodebuffer')).equals(readFileSync(join(APP_PACKAGE_DIR, 'color.png')))).toBe(true);
  });

  it('is reproducible: the same inputs give the same bytes', async () => {
    envFile('.env.test', FAKE);
    const a = readFileSync((await buildAppPackage({ env: 'test', envDir: dir, outDir: join(dir, 'a'), processEnv: {} })).zipPath);
    const b = readFileSync((await buildAppPackage({ env: 'test', envDir: dir, outDir: join(dir, 'b'), processEnv: {} })).zipPath);
    expect(a.equals(b)).toBe(true);
  });

  it('fails naming every unset variable, and writes no zip', async () => {
    envFile('.env.test', { ...FAKE, BOT_ID: '', BOT_DOMAIN: '' });
    await expect(buildAppPackage({ env: 'test', envDir: dir, outDir: dir, processEnv: {} })).rejects.toThrow(
      /Unset variable\(s\) for the app package: BOT_ID, BOT_DOMAIN\./,
    );
    expect(existsSync(join(dir, 'appPackage.test.zip'))).toBe(false);
  });

  it('fails on an environment without an env file', async () => {
    await expect(buildAppPackage({ env: 'nope', envDir: dir, outDir: dir, processEnv: {} })).rejects.toThrow(/No env file/);
  });

  it('refuses a package that does not validate', async () => {
    envFile('.env.test', { ...FAKE, BOT_ID: 'not-a-guid' });
    await expect(buildAppPackage({ env: 'test', envDir: dir, outDir: dir, processEnv: {} })).rejects.toThrow(/not valid[\s\S]*\/bots\/0\/botId/);
  });

  it('reads dotenv files the way the Agents Toolkit writes them', () => {
    expect(parseDotenv('# c\nA=1\nexport B = two # note\nC="x # y"\nD=\n  \nE=\'q\'\nnot a line\n')).toEqual({ A: '1', B: 'two', C: 'x # y', D: '', E: 'q' });
  });
});
