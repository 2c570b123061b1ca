import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { parse as parseCsv } from 'csv-parse';
import type { PositionalRow } from './cells';
import { TransferError } from './errors';

/** A .csv file's records, streamed: UTF-8 or Windows-1252, `;` or `,` (see readRows.ts). */

/** Longest CSV record, in characters: 40 columns of long text fit easily. */
const MAX_CSV_RECORD = 256 * 1024;

/** Refuses binary files (a renamed .xlsx, .xls or image) and tells whether the bytes are valid UTF-8. */
async function sniffCsv(path: string): Promise<{ utf8: boolean }> {
  const handle = await open(path, 'r');
  try {
    const head = Buffer.alloc(8192);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const start = head.subarray(0, bytesRead);
    if (start.includes(0)) throw new TransferError('notASpreadsheet', { detail: 'binary file' });
  } finally {
    await handle.close();
  }
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
      decoder.decode(chunk as Buffer, { stream: true });
    }
    decoder.decode();
    return { utf8: true };
  } catch {
    return { utf8: false };
  }
}

/** `;` or `,`, whichever appears more often outside quotes in the header line (`,` on a tie). */
export function detectDelimiter(firstLine: string): ';' | ',' {
  let quoted = false;
  let semicolons = 0;
  let commas = 0;
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ';') semicolons++;
    else if (!quoted && char === ',') commas++;
  }
  return semicolons > commas ? ';' : ',';
}

async function firstLine(path: string, encoding: 'utf-8' | 'windows-1252'): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const text = new TextDecoder(encoding).decode(buffer.subarray(0, bytesRead));
    const end = text.search(/\r|\n/);
    return end < 0 ? text : text.slice(0, end);
  } finally {
    await handle.close();
  }
}

function windows1252(): Transform {
  const decoder = new TextDecoder('windows-1252');
  return new Transform({
    readableObjectMode: false,
    transform(chunk: Buffer, _encoding, done) {
      done(null, decoder.decode(chunk, { stream: true }));
    },
    flush(done) {
      done(null, decoder.decode());
    },
  });
}
export async function* csvRows(path: string): AsyncGenerator<PositionalRow> {
  const { utf8 } = await sniffCsv(path);
  const encoding = utf8 ? 'utf-8' : 'windows-1252';
  const delimiter = detectDelimiter(await firstLine(path, encoding));
  const input = createReadStream(path);
  const parser = parseCsv({
    delimiter,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: false,
    max_record_size: MAX_CSV_RECORD,
  });
  const stream = utf8 ? input.pipe(parser) : input.pipe(windows1252()).pipe(parser);
  input.on('error', (error) => parser.destroy(error));
  let rowNumber = 0;
  try {
    for await (const record of stream as AsyncIterable<string[]>) {
      rowNumber++;
      yield { rowNumber, values: record };
    }
  } catch (error) {
    if (error instanceof TransferError) throw error;
    throw new TransferError('notASpreadsheet', { detail: 'unreadable csv', rowNumber: rowNumber + 1 }, { cause: error });
  } finally {
    input.destroy();
    parser.destroy();
  }
}
