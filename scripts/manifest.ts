// Teams app package checks, shared by scripts/package.ts and test/appPackage.test.ts.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { PNG } from 'pngjs';

export const ROOT_DIR = join(__dirname, '..');
export const APP_PACKAGE_DIR = join(ROOT_DIR, 'appPackage');
/** Vendored copy of https://developer.microsoft.com/en-us/json-schemas/teams/v1.22/MicrosoftTeams.schema.json */
export const MANIFEST_SCHEMA_PATH = join(ROOT_DIR, 'test', 'schemas', 'teams-manifest.schema.json');

/** Every `${{VAR}}` the manifest may use; each must be fed by env/.env.<env> or by provisioning. */
export const KNOWN_PLACEHOLDERS = [
  'TEAMS_APP_ID',
  'BOT_ID',
  'BOT_DOMAIN',
  'WEBSITE_URL',
  'PRIVACY_URL',
  'TERMS_URL',
] as const;

// Same syntax as the Agents Toolkit's env expansion.
const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names of the `${{VAR}}` placeholders in `text`, each once, in order of appearance. */
export function placeholdersIn(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * Replaces every `${{VAR}}` with its value. Values are JSON-escaped because placeholders sit inside
 * JSON strings. Empty values count as missing: an empty id or domain is never what was meant.
 */
export function substitutePlaceholders(
  text: string,
  vars: Readonly<Record<string, string | undefined>>,
): { text: string; missing: string[] } {
  const missing = new Set<string>();
  const out = text.replace(PLACEHOLDER, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined || value === '') {
      missing.add(name);
      return whole;
    }
    return JSON.stringify(value).slice(1, -1);
  });
  return { text: out, missing: [...missing] };
}

let schemaValidator: ValidateFunction | undefined;

function manifestValidator(): ValidateFunction {
  if (!schemaValidator) {
    const schema = JSON.parse(readFileSync(MANIFEST_SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
    // The file declares draft-04, which Ajv 8 does not ship; it uses no keyword whose meaning differs
    // between draft-04 and draft-07 (it already relies on draft-06 `const`), so Ajv's default applies.
    delete schema.$schema;
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    schemaValidator = ajv.compile(schema);
  }
  return schemaValidator;
}

function describe(e: ErrorObject): string {
  const extra = e.keyword === 'additionalProperties' ? ` (${String(e.params.additionalProperty)})` : '';
  return `${e.instancePath || '/'} ${e.message ?? e.keyword}${extra}`;
}

/** Errors of `manifest` against the Teams v1.22 manifest schema; empty when valid. */
export function validateManifestSchema(manifest: unknown): string[] {
  const validate = manifestValidator();
  return validate(manifest) ? [] : (validate.errors ?? []).map((e) => `manifest.json ${describe(e)}`);
}

/**
 * Keys a Teams localization file may hold, with their maximum lengths (Teams localization schema
 * v1.22, learn.microsoft.com "Localize JSON schema reference"). The four `required` keys must be present.
 */
export const LOCALIZATION_RULES: readonly { pattern: RegExp; maxLength: number; required?: boolean }[] = [
  { pattern: /^name\.short$/, maxLength: 30, required: true },
  { pattern: /^name\.full$/, maxLength: 100, required: true },
  { pattern: /^description\.short$/, maxLength: 80, required: true },
  { pattern: /^description\.full$/, maxLength: 4000, required: true },
  { pattern: /^staticTabs\[([0-9]|1[0-5])\]\.name$/, maxLength: 128 },
  { pattern: /^bots\[0\]\.commandLists\[[0-2]\]\.commands\[[0-9]\]\.title$/, maxLength: 32 },
  { pattern: /^bots\[0\]\.commandLists\[[0-2]\]\.commands\[[0-9]\]\.description$/, maxLength: 128 },
  { pattern: /^composeExtensions\[0\]\.commands\[[0-9]\]\.title$/, maxLength: 32 },
  { pattern: /^composeExtensions\[0\]\.commands\[[0-9]\]\.description$/, maxLength: 128 },
  { pattern: /^composeExtensions\[0\]\.commands\[[0-9]\]\.parameters\[[0-4]\]\.title$/, maxLength: 32 },
  { pattern: /^composeExtensions\[0\]\.commands\[[0-9]\]\.parameters\[[0-4]\]\.description$/, maxLength: 128 },
  { pattern: /^composeExtensions\[0\]\.commands\[[0-9]\]\.parameters\[[0-4]\]\.value$/, maxLength: 512 },
  { pattern: /^composeExtensions\[0\]\.commands\[[0-9]\]\.parameters\[[0-4]\]\.choices\[[0-9]\]\.title$/, maxLength: 128 },
  { pattern: /^composeExtensions\[0\]\.commands\[[0-9]\]\.taskInfo\.title$/, maxLength: 64 },
  { pattern: /^activities\.activityTypes\[([0-9]|[1-9][0-9]|1[01][0-9]|12[0-7])\]\.(description|templateText)$/, maxLength: 128 },
  { pattern: /^meetingExtensionDefinition\.scenes\[[0-9]\]\.name$/, maxLength: 128 },
];

/** Reads a localization key such as `bots[0].commandLists[2].commands[9].title` out of the manifest. */
export function manifestValueAt(manifest: unknown, key: string): unknown {
  let node: unknown = manifest;
  for (const token of key.match(/[^.[\]]+/g) ?? []) {
    if (node === null || typeof node !== 'object') return undefined;
    node = Array.isArray(node) ? (/^\d+$/.test(token) ? node[Number(token)] : undefined) : (node as Record<string, unknown>)[token];
  }
  return node;
}

function manifestVersionOf(manifest: unknown): string {
  const v = (manifest as { manifestVersion?: unknown } | null)?.manifestVersion;
  return typeof v === 'string' ? v : '?';
}

/** Errors of a language file against the localization rules and the manifest it translates. */
export function validateLocalization(file: string, strings: unknown, manifest: unknown): string[] {
  if (strings === null || typeof strings !== 'object' || Array.isArray(strings)) return [`${file} must be a JSON object`];
  const errors: string[] = [];
  const entries = Object.entries(strings as Record<string, unknown>);
  const expectedSchema = `https://developer.microsoft.com/en-us/json-schemas/teams/v${manifestVersionOf(manifest)}/MicrosoftTeams.Localization.schema.json`;
  for (const rule of LOCALIZATION_RULES.filter((r) => r.required)) {
    if (!entries.some(([k]) => rule.pattern.test(k))) errors.push(`${file} lacks the required key ${rule.pattern.source.replace(/\\|\^|\$/g, '')}`);
  }
  for (const [key, value] of entries) {
    if (key === '$schema') {
      if (value !== expectedSchema) errors.push(`${file} $schema should be ${expectedSchema}`);
      continue;
    }
    const rule = LOCALIZATION_RULES.find((r) => r.pattern.test(key));
    if (!rule) {
      errors.push(`${file} key "${key}" is not a localizable manifest path`);
      continue;
    }
    if (typeof value !== 'string' || value.trim() === '') errors.push(`${file} "${key}" must be a non-empty string`);
    else if ([...value].length > rule.maxLength) errors.push(`${file} "${key}" is ${[...value].length} characters, over ${rule.maxLength}`);
    if (typeof manifestValueAt(manifest, key) !== 'string') errors.push(`${file} "${key}" translates nothing: the manifest has no string there`);
  }
  return errors;
}

interface BotCommandList {
  scopes?: string[];
  commands?: { title?: string; description?: string }[];
}

/** Teams rules the schema cannot express, so that the package passes the Developer Portal's checks. */
export function validateTeamsRules(manifest: unknown): string[] {
  const errors: string[] = [];
  const m = manifest as { bots?: { scopes?: string[]; commandLists?: BotCommandList[] }[]; validDomains?: string[] };
  for (const [b, bot] of (m.bots ?? []).entries()) {
    const seenScopes = new Set<string>();
    for (const [l, list] of (bot.commandLists ?? []).entries()) {
      for (const scope of list.scopes ?? []) {
        if (!(bot.scopes ?? []).includes(scope)) errors.push(`bots[${b}].commandLists[${l}] scope "${scope}" is not one of the bot's scopes`);
        if (seenScopes.has(scope)) errors.push(`bots[${b}]: more than one command list for scope "${scope}"`);
        seenScopes.add(scope);
      }
      const titles = new Set<string>();
      for (const [c, cmd] of (list.commands ?? []).entries()) {
        const where = `bots[${b}].commandLists[${l}].commands[${c}]`;
        // Same limits as the localization file, so every language fits the command menu alike.
        if ((cmd.title ?? '').length > 32) errors.push(`${where}.title is over 32 characters`);
        if ((cmd.description ?? '').length > 128) errors.push(`${where}.description is over 128 characters`);
        const title = (cmd.title ?? '').toLowerCase();
        if (titles.has(title)) errors.push(`${where}: duplicate title "${cmd.title}"`);
        titles.add(title);
      }
    }
  }
  for (const domain of m.validDomains ?? []) {
    if (/^[a-z]+:\/\/|\//i.test(domain)) errors.push(`validDomains "${domain}" must be a bare host name, without scheme or path`);
  }
  return errors;
}

/** Errors of the two icons against Teams' rules; empty when both are fine. */
export function validateIcons(color: Buffer, outline: Buffer): string[] {
  const errors: string[] = [];
  const read = (name: string, data: Buffer): PNG | undefined => {
    try {
      return PNG.sync.read(data);
    } catch (e) {
      errors.push(`${name} is not a readable PNG: ${(e as Error).message}`);
      return undefined;
    }
  };
  const c = read('color icon', color);
  if (c && (c.width !== 192 || c.height !== 192)) errors.push(`color icon is ${c.width}x${c.height}, must be 192x192`);
  const o = read('outline icon', outline);
  if (o) {
    if (o.width !== 32 || o.height !== 32) errors.push(`outline icon is ${o.width}x${o.height}, must be 32x32`);
    let bad = 0;
    for (let i = 0; i < o.data.length; i += 4) {
      const white = o.data[i] === 255 && o.data[i + 1] === 255 && o.data[i + 2] === 255;
      if (o.data[i + 3] !== 0 && !white) bad++;
    }
    if (bad > 0) errors.push(`outline icon has ${bad} visible pixels that are not white (must be white on transparent)`);
  }
  return errors;
}

export interface AppPackageContent {
  manifest: unknown;
  /** Parsed language files, by the path the manifest gives them. */
  languageFiles: Readonly<Record<string, unknown>>;
  color: Buffer;
  outline: Buffer;
}

/** Every check above, on one package. */
export function validateAppPackage(pkg: AppPackageContent): string[] {
  return [
    ...validateManifestSchema(pkg.manifest),
    ...validateTeamsRules(pkg.manifest),
    ...Object.entries(pkg.languageFiles).flatMap(([file, strings]) => validateLocalization(file, strings, pkg.manifest)),
    ...validateIcons(pkg.color, pkg.outline),
  ];
}
