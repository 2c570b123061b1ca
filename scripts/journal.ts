import path from 'node:path';
import dayjs from 'dayjs';
import { patientNamed } from '../src/domain/journal';
import { TIME_ZONE } from '../src/i18n/format';
import { t } from '../src/i18n/messages';
import { allAccesses, writeAccessExport } from '../src/transfer/journalExport';
import { langOption, openToolStore, parseCli } from './cli';

const USAGE = 'Usage: npm run journal -- --team <teamId> --patient <N> [--from YYYY-MM-DD] --out <file.csv|file.xlsx> [--lang fr|en]';

/** The answer to an access request: every access to one patient's information, newest first. */
async function main(): Promise<void> {
  const args = parseCli(USAGE, { team: { type: 'string' }, patient: { type: 'string' }, from: { type: 'string' }, out: { type: 'string' }, lang: { type: 'string' } });
  const number = typeof args.patient === 'string' && /^#?\d{1,9}$/.test(args.patient) ? Number(args.patient.replace('#', '')) : NaN;
  const fromOk = args.from === undefined || (typeof args.from === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(args.from) && dayjs(args.from).format('YYYY-MM-DD') === args.from);
  if (args.help || typeof args.team !== 'string' || typeof args.out !== 'string' || !(number > 0) || !fromOk) {
    console.error(USAGE);
    process.exit(args.help ? 0 : 2);
  }
  const lang = langOption(args.lang);
  // The day starts at midnight in Québec, where the request is made.
  const from = typeof args.from === 'string' ? dayjs.tz(args.from, TIME_ZONE).toISOString() : undefined;
  const store = await openToolStore();
  try {
    const out = path.resolve(args.out);
    const records = [];
    for await (const record of allAccesses(store.journal, args.team, { patientNumber: number }, from)) records.push(record);
    // Looking at the journal is journaled, before the file exists (no record, no file).
    await store.journalTool(args.team, 'journalViewed', patientNamed(records, number));
    const count = await writeAccessExport(records, number, out, lang);
    console.log(t(lang, 'journal.written', { count, file: out }));
  } finally {
    await store.close();
  }
}

void main();
