/**
 * Schema validation and size measurement for the Adaptive Cards the bot sends.
 *
 * `validateCard(card)` validates against the vendored official Adaptive Cards 1.5 JSON schema
 * (test/schemas/adaptive-card-1.5.schema.json, draft-06) and returns readable error strings
 * (empty array = valid).
 *
 * How it works:
 * - The verdict (valid / invalid) comes from the official schema, compiled once with ajv 8
 *   (draft-06 meta-schema added, `strict: false` because the schema carries non-standard
 *   annotation keywords such as `version` and `features`; its draft-06 root `id` is renamed
 *   `$id`, which ajv 8 requires).
 * - The official schema expresses "an element is one of N types" as `anyOf`, so ajv reports every
 *   failing branch (≈40 lines for one missing property). For the *messages* only, we compile a
 *   second copy where each `ImplementationsOf.*` anyOf is rewritten as a type-discriminated
 *   if/then chain: same meaning, but errors point at the branch selected by `type`.
 *
 * Teams host extensions (documented deviation from the bare schema, which would reject them):
 * - `msteams` is allowed on the root card (`{ width?: "Full", entities?: mention[] }`), because Teams
 *   needs it for @mentions; each mention entity must be `{ type: "mention", text, mentioned: { id, name } }`
 *   and its `text` (e.g. `<at>Marie</at>`) must appear in the card's text, or Teams shows no mention.
 * - `msteams: { allowExpand }` is allowed on Image.
 * - Teams rules the schema leaves open: the top-level card has `type: "AdaptiveCard"` and a `version`
 *   no higher than 1.5; `refresh.userIds` holds at most 60 ids.
 */
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import * as fs from 'fs';
import * as path from 'path';

export const CARD_SCHEMA_PATH = path.resolve(__dirname, '..', 'schemas', 'adaptive-card-1.5.schema.json');

/** Highest Adaptive Cards version Teams renders (cards above it show only their fallbackText). */
export const MAX_TEAMS_VERSION = { major: 1, minor: 5 } as const;

/** Teams limit on refresh.userIds (beyond it, automatic refresh is not run). */
export const MAX_REFRESH_USER_IDS = 60;

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface Validators {
  official: ValidateFunction;
  discriminated: ValidateFunction;
}

let cached: Validators | undefined;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const MSTEAMS_CARD_SCHEMA: JsonObject = {
  type: 'object',
  description: 'Teams host extension (not in the Adaptive Cards schema)',
  properties: {
    width: { enum: ['Full', 'full'] },
    entities: {
      type: 'array',
      items: {
        type: 'object',
        required: ['type', 'text', 'mentioned'],
        properties: {
          type: { const: 'mention' },
          text: { type: 'string', minLength: 1 },
          mentioned: {
            type: 'object',
            required: ['id', 'name'],
            properties: { id: { type: 'string', minLength: 1 }, name: { type: 'string' } },
          },
        },
      },
    },
  },
};

const MSTEAMS_IMAGE_SCHEMA: JsonObject = {
  type: 'object',
  properties: { allowExpand: { type: 'boolean' } },
  additionalProperties: false,
};

/** Loads the vendored schema, renames draft-06 `id` → `$id` and adds the Teams host extensions. */
function loadSchema(): JsonObject {
  const raw = JSON.parse(fs.readFileSync(CARD_SCHEMA_PATH, 'utf8')) as JsonObject;
  const { id, ...rest } = raw;
  const schema: JsonObject = { ...rest, $id: id ?? 'http://adaptivecards.io/schemas/adaptive-card.json' };
  const defs = schema.definitions;
  if (!isObject(defs)) throw new Error(`${CARD_SCHEMA_PATH}: no definitions`);
  for (const [defName, ext] of [
    ['AdaptiveCard', MSTEAMS_CARD_SCHEMA],
    ['Image', MSTEAMS_IMAGE_SCHEMA],
  ] as const) {
    const def = defs[defName];
    if (!isObject(def) || !isObject(def.properties)) throw new Error(`schema: definition ${defName} not found`);
    def.properties.msteams = ext;
  }
  return schema;
}

/**
 * Rewrites every `ImplementationsOf.X: { anyOf: [{ required: [type], allOf: [{ $ref: D }] }, ...] }`
 * into a type-discriminated form (same accepted set, precise errors).
 */
function discriminate(schema: JsonObject): JsonObject {
  const copy = JSON.parse(JSON.stringify(schema)) as JsonObject;
  const defs = copy.definitions as JsonObject;
  for (const [name, def] of Object.entries(defs)) {
    if (!name.startsWith('ImplementationsOf.') || !isObject(def) || !Array.isArray(def.anyOf)) continue;
    const refs: string[] = [];
    for (const branch of def.anyOf) {
      const allOf = isObject(branch) ? branch.allOf : undefined;
      const first = Array.isArray(allOf) ? allOf[0] : undefined;
      const ref = isObject(first) ? first.$ref : undefined;
      if (typeof ref !== 'string') throw new Error(`schema: unexpected shape of ${name}`);
      refs.push(ref);
    }
    const typeNames = refs.map((r) => r.replace('#/definitions/', ''));
    defs[name] = {
      if: { type: 'object' },
      then: {
        required: ['type'],
        properties: { type: { enum: typeNames } },
        allOf: typeNames.map((t, i) => ({
          if: { required: ['type'], properties: { type: { const: t } } },
          then: { $ref: refs[i] as string },
        })),
      },
      else: { anyOf: def.anyOf },
    };
  }
  copy.$id = `${String(copy.$id)}#discriminated`;
  return copy;
}

function validators(): Validators {
  if (cached) return cached;
  const schema = loadSchema();
  const make = (): Ajv => {
    const ajv = new Ajv({ strict: false, allErrors: true, allowUnionTypes: true });
    // eslint-disable-next-line @typescript-eslint/no-var-requires
    ajv.addMetaSchema(require('ajv/dist/refs/json-schema-draft-06.json') as object);
    addFormats(ajv);
    return ajv;
  };
  cached = {
    official: make().compile(schema),
    discriminated: make().compile(discriminate(schema)),
  };
  return cached;
}

function pointerGet(root: unknown, pointer: string): unknown {
  if (!pointer) return root;
  let cur: unknown = root;
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(key)];
    else if (isObject(cur)) cur = cur[key];
    else return undefined;
  }
  return cur;
}

function where(card: unknown, instancePath: string): string {
  const node = pointerGet(card, instancePath);
  const type = isObject(node) && typeof node.type === 'string' ? ` (${node.type})` : '';
  return `${instancePath || '/'}${type}`;
}

function formatError(card: unknown, e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `${where(card, e.instancePath)}: missing required property '${String(p.missingProperty)}'`;
    case 'additionalProperties':
      return `${where(card, e.instancePath)}: property '${String(p.additionalProperty)}' is not allowed`;
    case 'enum':
    case 'const': {
      const allowed = (p.allowedValues as unknown[] | undefined) ?? [p.allowedValue];
      const value = JSON.stringify(pointerGet(card, e.instancePath));
      if (e.instancePath.endsWith('/type')) {
        const parent = e.instancePath.slice(0, -'/type'.length);
        return `${parent || '/'}: unknown type ${value} here (allowed: ${allowed.join(', ')})`;
      }
      return `${e.instancePath}: value ${value} not allowed (allowed: ${allowed.map((a) => JSON.stringify(a)).join(', ')})`;
    }
    default:
      return `${where(card, e.instancePath)}: ${e.message ?? e.keyword}`;
  }
}

function isWithin(inner: string, outer: string): boolean {
  return outer === '' || inner === outer || inner.startsWith(`${outer}/`);
}

function errorsOf(card: unknown, errors: ErrorObject[] | null | undefined): string[] {
  const list = (errors ?? []).filter((e) => e.keyword !== 'if');
  // An anyOf error on a node that already has a more precise error is redundant.
  // On a value that failed an enum, the sibling anyOf branches' "pattern" / "must be null" errors add nothing.
  const enumPaths = new Set(list.filter((e) => e.keyword === 'enum').map((e) => e.instancePath));
  const kept = list.filter(
    (e) =>
      (e.keyword !== 'anyOf' || !list.some((o) => o.keyword !== 'anyOf' && isWithin(o.instancePath, e.instancePath))) &&
      !((e.keyword === 'pattern' || e.keyword === 'type') && enumPaths.has(e.instancePath)),
  );
  const out = new Set<string>();
  for (const e of kept) {
    out.add(formatError(card, e));
  }
  return [...out];
}

function collectStrings(v: unknown, out: string[], skipKey?: string): void {
  if (typeof v === 'string') out.push(v);
  else if (Array.isArray(v)) v.forEach((x) => collectStrings(x, out));
  else if (isObject(v)) for (const [k, x] of Object.entries(v)) if (k !== skipKey) collectStrings(x, out);
}

/** Teams-specific rules the schema cannot express. */
function teamsIssues(card: unknown): string[] {
  if (!isObject(card)) return [];
  const issues: string[] = [];
  // The schema requires neither on the root; Teams does.
  if (card.type !== 'AdaptiveCard') issues.push(`/type: must be "AdaptiveCard" on the top-level card`);
  if (typeof card.version !== 'string') {
    issues.push(`/version: required on the top-level card`);
  } else {
    const m = /^(\d+)\.(\d+)$/.exec(card.version);
    if (!m) issues.push(`/version: ${JSON.stringify(card.version)} is not a version like "1.5"`);
    else if (Number(m[1]) > MAX_TEAMS_VERSION.major || (Number(m[1]) === MAX_TEAMS_VERSION.major && Number(m[2]) > MAX_TEAMS_VERSION.minor)) {
      issues.push(`/version: ${card.version} is above 1.5, the highest version Teams renders`);
    }
  }
  const msteams = card.msteams;
  if (isObject(msteams) && Array.isArray(msteams.entities)) {
    const texts: string[] = [];
    collectStrings({ body: card.body ?? null, actions: card.actions ?? null }, texts);
    msteams.entities.forEach((ent, i) => {
      if (isObject(ent) && ent.type === 'mention' && typeof ent.text === 'string' && !texts.some((t) => t.includes(ent.text as string))) {
        issues.push(`/msteams/entities/${i}: mention text ${JSON.stringify(ent.text)} does not appear in the card's text (Teams shows no mention)`);
      }
    });
  }
  const refresh = card.refresh;
  if (isObject(refresh) && Array.isArray(refresh.userIds) && refresh.userIds.length > MAX_REFRESH_USER_IDS) {
    issues.push(`/refresh/userIds: ${refresh.userIds.length} ids, Teams allows at most ${MAX_REFRESH_USER_IDS}`);
  }
  return issues;
}

/**
 * Validates a card (the `content` of the attachment, i.e. `{ type: "AdaptiveCard", ... }`) against the
 * Adaptive Cards 1.5 schema plus Teams host rules. Returns readable errors; `[]` means valid.
 */
export function validateCard(card: object): string[] {
  const v = validators();
  const errors: string[] = [];
  if (!v.official(card)) {
    v.discriminated(card);
    const precise = errorsOf(card, v.discriminated.errors);
    // Should never disagree; if it does, fall back to the official (noisy) errors.
    errors.push(...(precise.length > 0 ? precise : errorsOf(card, v.official.errors)));
  }
  errors.push(...teamsIssues(card));
  return errors;
}

export const ADAPTIVE_CARD_CONTENT_TYPE = 'application/vnd.microsoft.card.adaptive';

/** UTF-8 byte length of the attachment the bot would send: `{ contentType, content: card }`. */
export function cardSizeBytes(card: object): number {
  return Buffer.byteLength(JSON.stringify({ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: card }), 'utf8');
}
