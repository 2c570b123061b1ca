// Builds the Teams app package for one environment, without the Agents Toolkit:
//   npm run package -- --env dev
// Reads env/.env.<env>, then env/.env.<env>.user, then the process environment (later wins),
// fills every ${{VAR}} of the manifest and its language files, validates, and writes
// appPackage/build/appPackage.<env>.zip with the files at the root, as Teams expects.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, normalize, relative } from 'node:path';
import JSZip from 'jszip';
import { APP_PACKAGE_DIR, ROOT_DIR, substitutePlaceholders, validateAppPackage } from './manifest';

export interface BuildOptions {
  env: string;
  /** Folder holding manifest.json, its icons and language files. */
  appPackageDir?: string;
  envDir?: string;
  outDir?: string;
  processEnv?: NodeJS.ProcessEnv;
}

export interface BuildResult {
  zipPath: string;
  entries: string[];
}

// Fixed timestamp: the same inputs give a byte-identical zip.
const ZIP_DATE = new Date('2025-01-01T00:00:00Z');

/** Minimal dotenv reader, enough for the Agents Toolkit's env files. */
export function parseDotenv(text: string): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(raw);
    if (!m) continue;
    let value = m[2]!;
    const quoted = /^(["'])(.*)\1$/.exec(value);
    value = quoted ? quoted[2]! : value.replace(/\s+#.*$/, '');
    vars[m[1]!] = value;
  }
  return vars;
}

export function loadEnv(envDir: string, env: string, processEnv: NodeJS.ProcessEnv): Record<string, string | undefined> {
  const files = [join(envDir, `.env.${env}`), join(envDir, `.env.${env}.user`)];
  if (!existsSync(files[0]!)) throw new Error(`No env file ${relative(ROOT_DIR, files[0]!) || files[0]}: is "${env}" the right environment?`);
  const fromFiles = files.filter((f) => existsSync(f)).map((f) => parseDotenv(readFileSync(f, 'utf8')));
  return Object.assign({}, ...fromFiles, processEnv) as Record<string, string | undefined>;
}

/** A file the manifest names, which must stay inside the package folder. */
function packageFile(dir: string, name: string): string {
  const path = normalize(join(dir, name));
  if (isAbsolute(name) || relative(dir, path).startsWith('..')) throw new Error(`${name} lies outside ${dir}`);
  return path;
}

export async function buildAppPackage(options: BuildOptions): Promise<BuildResult> {
  const { env } = options;
  if (!/^[A-Za-z0-9_-]+$/.test(env)) throw new Error(`Invalid environment name "${env}"`);
  const dir = options.appPackageDir ?? APP_PACKAGE_DIR;
  const vars = loadEnv(options.envDir ?? join(ROOT_DIR, 'env'), env, options.processEnv ?? process.env);

  const manifestText = readFileSync(join(dir, 'manifest.json'), 'utf8');
  // File names come from the template: they hold no placeholders.
  const template = JSON.parse(manifestText) as {
    icons: { color: string; outline: string };
    localizationInfo?: { additionalLanguages?: { file: string }[] };
  };
  const languageNames = (template.localizationInfo?.additionalLanguages ?? []).map((l) => l.file);

  const missing = new Set<string>();
  const fill = (text: string): string => {
    const r = substitutePlaceholders(text, vars);
    r.missing.forEach((name) => missing.add(name));
    return r.text;
  };
  const manifestOut = fill(manifestText);
  const languagesOut = languageNames.map((name) => [name, fill(readFileSync(packageFile(dir, name), 'utf8'))] as const);
  if (missing.size > 0) {
    throw new Error(
      `Unset variable(s) for the app package: ${[...missing].join(', ')}. ` +
        `Set them in env/.env.${env}, env/.env.${env}.user or the environment (provisioning writes BOT_ID, BOT_DOMAIN and TEAMS_APP_ID).`,
    );
  }

  const color = readFileSync(packageFile(dir, template.icons.color));
  const outline = readFileSync(packageFile(dir, template.icons.outline));
  const errors = validateAppPackage({
    manifest: JSON.parse(manifestOut),
    languageFiles: Object.fromEntries(languagesOut.map(([name, text]) => [name, JSON.parse(text) as unknown])),
    color,
    outline,
  });
  if (errors.length > 0) throw new Error(`The app package is not valid:\n  ${errors.join('\n  ')}`);

  const zip = new JSZip();
  const add = (name: string, data: string | Buffer) => zip.file(name.replace(/\\/g, '/').replace(/^\.\//, ''), data, { date: ZIP_DATE });
  add('manifest.json', manifestOut);
  add(template.icons.color, color);
  add(template.icons.outline, outline);
  for (const [name, text] of languagesOut) add(name, text);

  const outDir = options.outDir ?? join(dir, 'build');
  mkdirSync(outDir, { recursive: true });
  const zipPath = join(outDir, `appPackage.${env}.zip`);
  writeFileSync(zipPath, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return { zipPath, entries: Object.keys(zip.files) };
}

function envArg(argv: string[]): string {
  const i = argv.findIndex((a) => a === '--env' || a.startsWith('--env='));
  if (i < 0) return 'dev';
  const arg = argv[i]!;
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[i + 1];
  if (!value) throw new Error('--env needs a value, e.g. --env dev');
  return value;
}

if (require.main === module) {
  (async () => {
    const result = await buildAppPackage({ env: envArg(process.argv.slice(2)) });
    console.log(`Built ${relative(process.cwd(), result.zipPath)}: ${result.entries.join(', ')}`);
  })().catch((e: unknown) => {
    console.error((e as Error).message);
    process.exitCode = 1;
  });
}
