import path from 'node:path';
import { importIntoTeam, importReportLines } from '../src/transfer/teamImport';
import { langOption, openToolStore, parseCli } from './cli';

const USAGE = 'Usage: npm run import -- --team <teamId> --file <file.xlsx|file.csv> [--dry-run] [--skip-invalid] [--again] [--lang fr|en]';

async function main(): Promise<void> {
  const args = parseCli(USAGE, {
    team: { type: 'string' },
    file: { type: 'string' },
    'dry-run': { type: 'boolean' },
    'skip-invalid': { type: 'boolean' },
    again: { type: 'boolean' },
    lang: { type: 'string' },
  });
  if (args.help || typeof args.team !== 'string' || typeof args.file !== 'string') {
    console.error(USAGE);
    process.exit(args.help ? 0 : 2);
  }
  const lang = langOption(args.lang);
  const store = await openToolStore();
  try {
    const settings = await store.settingsOf(args.team);
    const outcome = await importIntoTeam(store.patients, settings, {
      teamId: args.team,
      file: { path: path.resolve(args.file) },
      dryRun: Boolean(args['dry-run']),
      skipInvalid: Boolean(args['skip-invalid']),
      again: Boolean(args.again),
      by: { id: 'import-tool', name: lang === 'fr' ? 'Importation' : 'Import' },
      now: new Date(),
    });
    if (outcome.kind === 'checked' && outcome.written > 0) await store.journalTool(args.team, 'import', outcome.imported);
    for (const line of importReportLines(outcome, lang, settings)) console.log(line);
    const ok = outcome.kind === 'checked' && (outcome.report.rejected.length === 0 || Boolean(args['skip-invalid']));
    process.exitCode = ok ? 0 : 1;
  } finally {
    await store.close();
  }
}

void main();
