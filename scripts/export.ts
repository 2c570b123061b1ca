import { rm } from 'node:fs/promises';
import path from 'node:path';
import { t } from '../src/i18n/messages';
import { exportTeam } from '../src/transfer/teamImport';
import { langOption, openToolStore, parseCli } from './cli';

const USAGE = 'Usage: npm run export -- --team <teamId> --out <file.xlsx|file.csv> [--lang fr|en]';

async function main(): Promise<void> {
  const args = parseCli(USAGE, { team: { type: 'string' }, out: { type: 'string' }, lang: { type: 'string' } });
  if (args.help || typeof args.team !== 'string' || typeof args.out !== 'string') {
    console.error(USAGE);
    process.exit(args.help ? 0 : 2);
  }
  const lang = langOption(args.lang);
  const store = await openToolStore();
  try {
    const out = path.resolve(args.out);
    const exported = await exportTeam(store.patients, await store.settingsOf(args.team), args.team, out, lang);
    // No record, no file: the export is removed when the journal cannot be written.
    await store.journalTool(args.team, 'export', exported).catch(async (error: unknown) => {
      await rm(out, { force: true });
      throw error;
    });
    const count = exported.length;
    console.log(t(lang, 'export.written', { count, file: out }));
  } finally {
    await store.close();
  }
}

void main();
