// Writes the import template (.xlsx) in one language:
//   npm run template -- --lang fr|en --out file.xlsx
// Sheet 1 holds the header row (drop-down lists, date checks), sheet 2 explains every column.
import { existsSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';
import { writeTemplate } from '../src/transfer/template';

export const USAGE = [
  'Usage: npm run template -- --lang fr|en --out <file.xlsx>',
  '  --lang  language of the headers and explanations: fr (français) or en (English)',
  '  --out   the .xlsx file to write (its folder must exist; an existing file is replaced)',
].join('\n');

export interface TemplateArgs {
  lang: 'fr' | 'en';
  out: string;
}

/** Parses `--lang fr --out x.xlsx` (or `--lang=fr`); returns an error sentence when they are wrong. */
export function parseTemplateArgs(argv: readonly string[]): TemplateArgs | { error: string } {
  const values: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const match = /^--(lang|out)(?:=(.*))?$/.exec(arg);
    if (!match) return { error: `unknown argument: ${arg}` };
    const name = match[1]!;
    const value = match[2] ?? argv[++i];
    if (value === undefined || value === '' || value.startsWith('--')) return { error: `--${name} needs a value` };
    if (values[name] !== undefined) return { error: `--${name} given twice` };
    values[name] = value;
  }
  const lang = values.lang?.toLowerCase();
  if (lang !== 'fr' && lang !== 'en') return { error: values.lang ? `--lang must be fr or en, not ${values.lang}` : '--lang is missing' };
  const out = values.out;
  if (!out) return { error: '--out is missing' };
  if (extname(out).toLowerCase() !== '.xlsx') return { error: '--out must end with .xlsx' };
  const folder = dirname(resolve(out));
  if (!existsSync(folder) || !statSync(folder).isDirectory()) return { error: `folder not found: ${folder}` };
  return { lang, out };
}

async function main(): Promise<void> {
  const args = parseTemplateArgs(process.argv.slice(2));
  if ('error' in args) {
    process.stderr.write(`${args.error}\n\n${USAGE}\n`);
    process.exitCode = 2;
    return;
  }
  await writeTemplate(args.lang, args.out);
  process.stdout.write(`Template (${args.lang}) written to ${resolve(args.out)}\n`);
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  });
}
