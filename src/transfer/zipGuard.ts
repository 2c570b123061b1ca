/**
 * Checks an .xlsx (a zip) before exceljs opens it, with bounded memory:
 *
 * 1. the central directory (read from the end of the file) must list `xl/workbook.xml` and a
 *    worksheet, and its declared sizes must stay under the limits: total uncompressed size, and a
 *    compression ratio per large entry (a zip bomb is refused here without inflating anything);
 * 2. the entries are then walked the way exceljs' unzipper streams them (local headers one after
 *    the other, data-descriptor entries up to the descriptor signature) and inflated into a counter
 *    with the same budget, so a file that lies about its sizes is refused too.
 *
 * Only fixed-size buffers are held (64 KB reads); nothing inflated is kept.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflateRaw } from 'node:zlib';
import { TransferError } from './errors';

export interface ZipLimits {
  /** Sum of the entries' uncompressed sizes. */
  maxUncompressedBytes: number;
  /** Largest uncompressed / compressed ratio of an entry bigger than `ratioFloorBytes`. */
  maxRatio: number;
  /** Entries smaller than this are not ratio-checked (a tiny styles.xml may compress 200:1). */
  ratioFloorBytes: number;
  maxEntries: number;
}

export const DEFAULT_ZIP_LIMITS: ZipLimits = {
  maxUncompressedBytes: 100 * 1024 * 1024,
  maxRatio: 100,
  ratioFloorBytes: 1024 * 1024,
  maxEntries: 10_000,
};

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_END = 0x06054b50;
const SIG_END64 = 0x06064b50;
const SIG_END64_LOCATOR = 0x07064b50;
const SIG_DESCRIPTOR = Buffer.from([0x50, 0x4b, 0x07, 0x08]);
const CHUNK = 64 * 1024;

interface CentralEntry {
  name: string;
  compressed: number;
  uncompressed: number;
  flags: number;
}

function notASpreadsheet(detail: string): TransferError {
  return new TransferError('notASpreadsheet', { detail });
}

function zipBomb(detail: string): TransferError {
  return new TransferError('zipBomb', { detail });
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function u64(buffer: Buffer, offset: number): number {
  const value = buffer.readBigUInt64LE(offset);
  if (value > BigInt(Number.MAX_SAFE_INTEGER)) throw zipBomb('size');
  return Number(value);
}

/** Reads the zip64 extended-information extra field (0x0001), as unzipper does. */
function zip64Extra(extra: Buffer): { uncompressed?: number; compressed?: number } {
  let at = 0;
  while (at + 4 <= extra.length) {
    const id = extra.readUInt16LE(at);
    const size = extra.readUInt16LE(at + 2);
    if (id === 0x0001) {
      const body = extra.subarray(at + 4, at + 4 + size);
      return {
        uncompressed: body.length >= 8 ? u64(body, 0) : undefined,
        compressed: body.length >= 16 ? u64(body, 8) : undefined,
      };
    }
    at += 4 + size;
  }
  return {};
}

async function readCentralDirectory(file: FileHandle, size: number, limits: ZipLimits): Promise<CentralEntry[]> {
  if (size < 22) throw notASpreadsheet('too small');
  const tailLength = Math.min(size, 22 + 0xffff);
  const tail = await readAt(file, size - tailLength, tailLength);
  let end = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_END) {
      end = i;
      break;
    }
  }
  if (end < 0) throw notASpreadsheet('no zip directory');
  let count = tail.readUInt16LE(end + 10);
  let cdSize = tail.readUInt32LE(end + 12);
  let cdOffset = tail.readUInt32LE(end + 16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locatorAt = size - tailLength + end - 20;
    const locator = locatorAt >= 0 ? await readAt(file, locatorAt, 20) : Buffer.alloc(0);
    if (locator.length < 20 || locator.readUInt32LE(0) !== SIG_END64_LOCATOR) throw notASpreadsheet('bad zip64 directory');
    const end64 = await readAt(file, u64(locator, 8), 56);
    if (end64.length < 56 || end64.readUInt32LE(0) !== SIG_END64) throw notASpreadsheet('bad zip64 directory');
    count = u64(end64, 32);
    cdSize = u64(end64, 40);
    cdOffset = u64(end64, 48);
  }
  if (count > limits.maxEntries) throw zipBomb('entries');
  if (cdOffset + cdSize > size) throw notASpreadsheet('directory out of file');

  const entries: CentralEntry[] = [];
  let position = cdOffset;
  let buffer: Buffer = Buffer.alloc(0);
  let bufferStart = cdOffset;
  const need = async (at: number, length: number): Promise<Buffer> => {
    if (at < bufferStart || at + length > bufferStart + buffer.length) {
      bufferStart = at;
      buffer = await readAt(file, at, Math.max(length, CHUNK));
      if (buffer.length < length) throw notASpreadsheet('truncated directory');
    }
    return buffer.subarray(at - bufferStart, at - bufferStart + length);
  };
  for (let i = 0; i < count; i++) {
    const head = await need(position, 46);
    if (head.readUInt32LE(0) !== SIG_CENTRAL) throw notASpreadsheet('bad directory entry');
    const flags = head.readUInt16LE(8);
    let compressed = head.readUInt32LE(20);
    let uncompressed = head.readUInt32LE(24);
    const nameLength = head.readUInt16LE(28);
    const extraLength = head.readUInt16LE(30);
    const commentLength = head.readUInt16LE(32);
    const rest = await need(position + 46, nameLength + extraLength);
    const name = rest.subarray(0, nameLength).toString('utf8');
    if (compressed === 0xffffffff || uncompressed === 0xffffffff) {
      // Only the fields that overflowed are present, uncompressed first.
      const extra = rest.subarray(nameLength);
      let at = 0;
      while (at + 4 <= extra.length) {
        const id = extra.readUInt16LE(at);
        const fieldSize = extra.readUInt16LE(at + 2);
        if (id === 0x0001) {
          let field = at + 4;
          if (uncompressed === 0xffffffff) {
            uncompressed = u64(extra, field);
            field += 8;
          }
          if (compressed === 0xffffffff) compressed = u64(extra, field);
          break;
        }
        at += 4 + fieldSize;
      }
    }
    entries.push({ name, compressed, uncompressed, flags });
    position += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

function checkDeclared(entries: CentralEntry[], limits: ZipLimits): void {
  let total = 0;
  for (const entry of entries) {
    if (entry.flags & 0x1) throw notASpreadsheet('encrypted');
    total += entry.uncompressed;
    if (total > limits.maxUncompressedBytes) throw zipBomb('declared size');
    if (entry.uncompressed > limits.ratioFloorBytes && entry.uncompressed > entry.compressed * limits.maxRatio) {
      throw zipBomb('declared ratio');
    }
  }
  const names = new Set(entries.map((e) => e.name));
  if (!names.has('xl/workbook.xml') || !entries.some((e) => /^xl\/worksheets\/sheet\d+\.xml$/.test(e.name))) {
    throw notASpreadsheet('no workbook');
  }
}

/** Yields the file's bytes from `start`, up to `end` (exclusive) or to the end of the file. */
async function* bytes(file: FileHandle, start: number, end: number): AsyncGenerator<Buffer> {
  let position = start;
  while (position < end) {
    const chunk = await readAt(file, position, Math.min(CHUNK, end - position));
    if (chunk.length === 0) return;
    position += chunk.length;
    yield chunk;
  }
}

/** Position of the first data-descriptor signature at or after `start`, as unzipper finds it. */
async function findDescriptor(file: FileHandle, start: number, size: number): Promise<number> {
  let position = start;
  let carry = Buffer.alloc(0);
  while (position < size) {
    const chunk = await readAt(file, position, Math.min(CHUNK, size - position));
    if (chunk.length === 0) break;
    const window = Buffer.concat([carry, chunk]);
    const found = window.indexOf(SIG_DESCRIPTOR);
    if (found >= 0) return position - carry.length + found;
    carry = window.subarray(Math.max(0, window.length - 3));
    position += chunk.length;
  }
  throw notASpreadsheet('no data descriptor');
}

class Budget {
  used = 0;
  constructor(private readonly limits: ZipLimits) {}

  /** Inflates (or copies) one entry's data into a counter; throws zipBomb as soon as a limit is passed. */
  async spend(source: AsyncIterable<Buffer>, method: number, compressed: number): Promise<void> {
    if (method !== 0 && method !== 8) throw notASpreadsheet('compression method');
    let produced = 0;
    const limits = this.limits;
    const counter = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        produced += chunk.length;
        this.used += chunk.length;
        if (this.used > limits.maxUncompressedBytes) return done(zipBomb('inflated size'));
        if (produced > limits.ratioFloorBytes && produced > compressed * limits.maxRatio) return done(zipBomb('inflated ratio'));
        done();
      },
    });
    try {
      if (method === 8) await pipeline(source, createInflateRaw(), counter);
      else await pipeline(source, counter);
    } catch (error) {
      if (error instanceof TransferError) throw error;
      throw notASpreadsheet('damaged entry');
    }
  }
}

/** Walks the local entries in file order, the way a streaming unzip reads them. */
async function checkInflated(file: FileHandle, size: number, limits: ZipLimits): Promise<void> {
  const budget = new Budget(limits);
  let position = 0;
  let entries = 0;
  for (;;) {
    const head = await readAt(file, position, 30);
    if (head.length < 4) throw notASpreadsheet('truncated');
    const signature = head.readUInt32LE(0);
    if (signature === SIG_CENTRAL || signature === SIG_END) return;
    if (signature !== SIG_LOCAL || head.length < 30) throw notASpreadsheet('bad entry');
    if (++entries > limits.maxEntries) throw zipBomb('entries');
    const flags = head.readUInt16LE(6);
    const method = head.readUInt16LE(8);
    let compressed = head.readUInt32LE(18);
    const nameLength = head.readUInt16LE(26);
    const extraLength = head.readUInt16LE(28);
    if (flags & 0x1) throw notASpreadsheet('encrypted');
    if (compressed === 0xffffffff) {
      const extra = await readAt(file, position + 30 + nameLength, extraLength);
      compressed = zip64Extra(extra).compressed ?? 0;
    }
    const dataStart = position + 30 + nameLength + extraLength;
    const sizeKnown = !(flags & 0x8) || compressed > 0;
    if (sizeKnown) {
      if (dataStart + compressed > size) throw notASpreadsheet('truncated entry');
      await budget.spend(bytes(file, dataStart, dataStart + compressed), method, compressed);
      position = dataStart + compressed;
    } else {
      const descriptor = await findDescriptor(file, dataStart, size);
      await budget.spend(bytes(file, dataStart, descriptor), method, descriptor - dataStart);
      position = descriptor + 16;
    }
  }
}

/**
 * Refuses a file that is not a zip holding a workbook (`notASpreadsheet`) or that would inflate
 * beyond the limits (`zipBomb`). `size` is the file size already known from stat.
 */
export async function checkXlsxZip(path: string, size: number, limits: ZipLimits = DEFAULT_ZIP_LIMITS): Promise<void> {
  const file = await open(path, 'r');
  try {
    const magic = await readAt(file, 0, 4);
    if (magic.length < 4 || magic.readUInt32LE(0) !== SIG_LOCAL) throw notASpreadsheet('not a zip');
    const entries = await readCentralDirectory(file, size, limits);
    checkDeclared(entries, limits);
    await checkInflated(file, size, limits);
  } finally {
    await file.close();
  }
}
