// Streams one entry out of a zip read front to back, from its local headers: the upload arrives as
// a stream (from PostgreSQL in chunks, or a file), so the central directory at the end is never
// seen first. Entries before the wanted one are skipped (by their declared size, or by inflating
// them when a data descriptor hides it); reading stops once the wanted entry is done.
//
// Data descriptors (flag bit 3: sizes and CRC written after the data, as streaming zip writers
// do) are handled by letting the deflate stream find its own end: zlib reports how many input
// bytes it used, and the rest is given back to the source. Scanning the compressed bytes for the
// descriptor's signature instead (what several streaming unzip libraries do) finds false
// signatures in large files. Zip64 sizes are read from the local header's extra field.
// Every inflated byte counts against the expansion limit, and a declared size past it fails at
// once (a zip bomb is refused before it is inflated, when its header says how big it is).

import zlib from 'node:zlib';
import { ByteSource } from '../../byte-source.ts';
import { inflate } from './raw-inflate.ts';
import { ExpansionBudget, ZipReadError } from './zip-errors.ts';

export { ZipReadError };

interface LocalEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  uncompressedSize: number;
  zip64: boolean;
}

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const ZIP64_END_OF_CENTRAL_DIRECTORY = 0x06064b50;
const DATA_DESCRIPTOR = 0x08074b50;
const LOCAL_HEADER_BYTES = 30;
const ZIP64_EXTRA_ID = 0x0001;
const FLAG_ENCRYPTED = 0x0001;
const FLAG_DATA_DESCRIPTOR = 0x0008;
const METHOD_STORED = 0;
const METHOD_DEFLATE = 8;
const MAX_32 = 0xffffffff;
/** Compressed bytes handed to zlib at once: bounds what one write can expand to (~1000× for zeros). */
const INFLATE_OUTPUT_BYTES = 64 * 1024;

/**
 * The decompressed bytes of the first entry whose name `wanted` accepts, in chunks of at most
 * 64 KiB. Throws ZipReadError when the zip is cut off, corrupt, has no such entry, uses features
 * this reader does not support, or would expand past `maxExpandedBytes`.
 */
export async function* zipEntryBytes(
  source: ByteSource,
  wanted: (name: string) => boolean,
  maxExpandedBytes: number,
): AsyncGenerator<Uint8Array> {
  const budget = new ExpansionBudget(maxExpandedBytes);
  for (;;) {
    if (!(await source.fill(4))) {
      throw new ZipReadError('TRUNCATED_FILE', 'the zip ends before its central directory');
    }
    const signature = u32(source.peek(0, 4), 0);
    if (signature === CENTRAL_HEADER || signature === END_OF_CENTRAL_DIRECTORY || signature === ZIP64_END_OF_CENTRAL_DIRECTORY) {
      throw new ZipReadError('NOT_AN_EXPORT', 'the zip holds no export.xml');
    }
    if (signature !== LOCAL_HEADER) {
      throw new ZipReadError('MALFORMED_FILE', `no zip entry header at byte ${source.consumed}`);
    }
    const entry = await readLocalHeader(source);
    const isWanted = wanted(entry.name);
    if (entry.flags & FLAG_ENCRYPTED) {
      if (isWanted) throw new ZipReadError('UNSUPPORTED_FILE', `${entry.name} is encrypted`);
    }
    const hasDescriptor = (entry.flags & FLAG_DATA_DESCRIPTOR) !== 0;
    if (isWanted) {
      yield* entryBytes(source, entry, hasDescriptor, budget);
      return;
    }
    await skipEntry(source, entry, hasDescriptor, budget);
  }
}

async function readLocalHeader(source: ByteSource): Promise<LocalEntry> {
  if (!(await source.fill(LOCAL_HEADER_BYTES))) throw truncatedHeader();
  const fixed = source.peek(0, LOCAL_HEADER_BYTES);
  const nameLength = u16(fixed, 26);
  const extraLength = u16(fixed, 28);
  const headerLength = LOCAL_HEADER_BYTES + nameLength + extraLength;
  if (!(await source.fill(headerLength))) throw truncatedHeader();
  const header = source.take(headerLength);
  const flags = u16(header, 6);
  const entry: LocalEntry = {
    // Bit 11 says UTF-8; the Health app's names are ASCII, and CP437 names are read as UTF-8.
    name: new TextDecoder().decode(header.subarray(LOCAL_HEADER_BYTES, LOCAL_HEADER_BYTES + nameLength)),
    method: u16(header, 8),
    flags,
    crc32: u32(header, 14),
    compressedSize: u32(header, 18),
    uncompressedSize: u32(header, 22),
    zip64: false,
  };
  readZip64Sizes(header.subarray(LOCAL_HEADER_BYTES + nameLength, headerLength), entry);
  return entry;
}

/** Zip64 extra field: 8-byte sizes for the 32-bit fields that read 0xFFFFFFFF, in that order. */
function readZip64Sizes(extra: Uint8Array, entry: LocalEntry): void {
  let at = 0;
  while (at + 4 <= extra.length) {
    const id = u16(extra, at);
    const size = u16(extra, at + 2);
    const body = extra.subarray(at + 4, at + 4 + size);
    if (id === ZIP64_EXTRA_ID) {
      entry.zip64 = true;
      let field = 0;
      if (entry.uncompressedSize === MAX_32 && field + 8 <= body.length) {
        entry.uncompressedSize = u64(body, field);
        field += 8;
      }
      if (entry.compressedSize === MAX_32 && field + 8 <= body.length) {
        entry.compressedSize = u64(body, field);
      }
    }
    at += 4 + size;
  }
}

async function* entryBytes(
  source: ByteSource,
  entry: LocalEntry,
  hasDescriptor: boolean,
  budget: ExpansionBudget,
): AsyncGenerator<Uint8Array> {
  if (!hasDescriptor) budget.checkDeclared(entry.uncompressedSize);
  let crc = 0;
  if (entry.method === METHOD_DEFLATE) {
    const limit = hasDescriptor ? Infinity : entry.compressedSize;
    for await (const piece of inflate(source, limit, budget)) {
      crc = zlib.crc32(piece, crc);
      yield piece;
    }
  } else if (entry.method === METHOD_STORED && !hasDescriptor) {
    let left = entry.compressedSize;
    while (left > 0) {
      const piece = await source.takeUpTo(Math.min(left, INFLATE_OUTPUT_BYTES));
      if (piece === undefined) throw truncatedData(entry.name);
      budget.add(piece.length);
      left -= piece.length;
      crc = zlib.crc32(piece, crc);
      yield piece;
    }
  } else {
    throw unsupportedMethod(entry, hasDescriptor);
  }
  const expected = hasDescriptor ? await readDescriptorCrc(source, entry.name) : entry.crc32;
  if ((crc >>> 0) !== expected) {
    throw new ZipReadError('MALFORMED_FILE', `${entry.name} fails its CRC check: the zip is corrupt`);
  }
}

async function skipEntry(source: ByteSource, entry: LocalEntry, hasDescriptor: boolean, budget: ExpansionBudget): Promise<void> {
  if (!hasDescriptor) {
    if (!(await source.skip(entry.compressedSize))) throw truncatedData(entry.name);
    return;
  }
  if (entry.method !== METHOD_DEFLATE) throw unsupportedMethod(entry, hasDescriptor);
  for await (const _piece of inflate(source, Infinity, budget));
  await skipDescriptor(source, entry);
}

/** Reads the descriptor after the data far enough for its CRC (the signature is optional). */
async function readDescriptorCrc(source: ByteSource, name: string): Promise<number> {
  if (!(await source.fill(8)) && !(await source.fill(4))) throw truncatedData(name);
  const head = source.peek(0, Math.min(8, source.buffered));
  if (head.length >= 8 && u32(head, 0) === DATA_DESCRIPTOR) return u32(head, 4);
  if (head.length >= 4 && u32(head, 0) !== DATA_DESCRIPTOR) return u32(head, 0);
  throw truncatedData(name);
}

/** Skips a data descriptor: [signature] crc, sizes of 4 bytes (8 with zip64). */
async function skipDescriptor(source: ByteSource, entry: LocalEntry): Promise<void> {
  const sizes = entry.zip64 ? 16 : 8;
  if (!(await source.fill(4))) throw truncatedData(entry.name);
  const signed = u32(source.peek(0, 4), 0) === DATA_DESCRIPTOR;
  if (!(await source.skip((signed ? 4 : 0) + 4 + sizes))) throw truncatedData(entry.name);
}

function unsupportedMethod(entry: LocalEntry, hasDescriptor: boolean): ZipReadError {
  const what =
    entry.method === METHOD_STORED && hasDescriptor
      ? 'stored without its size (a data descriptor)'
      : `compressed with method ${entry.method} (only deflate and stored are read)`;
  return new ZipReadError('UNSUPPORTED_FILE', `${entry.name} is ${what}`);
}

function truncatedHeader(): ZipReadError {
  return new ZipReadError('TRUNCATED_FILE', 'the zip ends inside an entry header');
}

function truncatedData(name: string): ZipReadError {
  return new ZipReadError('TRUNCATED_FILE', `the zip ends inside ${name}`);
}

function u16(bytes: Uint8Array, at: number): number {
  return bytes[at]! | (bytes[at + 1]! << 8);
}

function u32(bytes: Uint8Array, at: number): number {
  return (bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16) | (bytes[at + 3]! << 24)) >>> 0;
}

function u64(bytes: Uint8Array, at: number): number {
  return u32(bytes, at) + u32(bytes, at + 4) * 2 ** 32;
}
