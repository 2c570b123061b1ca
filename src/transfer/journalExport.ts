import dayjs from 'dayjs';
import type { AccessQuery, AccessRecord } from '../domain/journal';
import type { AccessJournal } from '../domain/ports';
import { TIME_ZONE } from '../i18n/format';
import { type Lang, type MessageKey, t } from '../i18n/messages';
import { writeTable } from './writeExport';

const PAGE = 500;

/** Every record of a query, newest first, page after page (keyset), stopping at `from`. */
export async function* allAccesses(journal: Pick<AccessJournal, 'page'>, teamId: string, query: AccessQuery, from?: string): AsyncGenerator<AccessRecord> {
  let beforeKey: string | undefined;
  do {
    const page = await journal.page(teamId, query, { beforeKey, from, pageSize: PAGE });
    yield* page.records;
    beforeKey = page.nextKey;
  } while (beforeKey);
}

const COLUMNS: Array<{ key: MessageKey; width: number }> = [
  { key: 'journal.col.at', width: 20 },
  { key: 'journal.col.atUtc', width: 24 },
  { key: 'journal.col.person', width: 28 },
  { key: 'journal.col.personId', width: 38 },
  { key: 'journal.col.action', width: 26 },
  { key: 'journal.col.where', width: 26 },
  { key: 'journal.col.others', width: 14 },
  { key: 'journal.col.to', width: 40 },
];

/**
 * The answer to an access request about one patient: who consulted or received the patient's
 * information, when and where. Other patients named by the same record (a list page, an export)
 * are counted, not named: they are not the requester's information.
 */
export async function writeAccessExport(records: Iterable<AccessRecord> | AsyncIterable<AccessRecord>, number: number, out: string, lang: Lang): Promise<number> {
  async function* rows(): AsyncGenerator<(string | number)[]> {
    for await (const r of records) {
      yield [
        dayjs(r.at).tz(TIME_ZONE).format('YYYY-MM-DD HH:mm:ss'),
        r.at,
        r.by.name,
        r.by.id,
        t(lang, `journal.kind.${r.kind}`),
        t(lang, `journal.where.${r.where.place}`),
        r.patients.filter((p) => p.number !== number).length,
        (r.to ?? []).map((a) => a.name).join(', '),
      ];
    }
  }
  const format = out.toLowerCase().endsWith('.csv') ? 'csv' : 'xlsx';
  const headers = COLUMNS.map((c) => t(lang, c.key));
  const sheet = `${t(lang, 'journal.sheet')} #${number}`;
  return (await writeTable({ sheet, headers, widths: COLUMNS.map((c) => c.width), rows: rows() }, format, out, lang)).rows;
}
