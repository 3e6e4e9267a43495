// A zip writer that streams, as a phone writing its export does: each entry's local header has
// no sizes (flag bit 3), its data is deflated as it comes, and a data descriptor with the CRC and
// sizes follows it; the central directory at the end has everything. No Zip64: an entry or
// offset past 4 GiB is refused (the benches stay far below).

import zlib from 'node:zlib';

const MAX_32 = 0xffffffff;
const FLAG_DATA_DESCRIPTOR_UTF8 = 0x0008 | 0x0800;
const DOS_DATE_2024_01_01 = ((2024 - 1980) << 9) | (1 << 5) | 1;

interface CentralRecord {
  name: Uint8Array;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

export interface ByteSink {
  write(bytes: Uint8Array): void | Promise<void>;
}

export class StreamingZipWriter {
  private offset = 0;
  private readonly entries: CentralRecord[] = [];

  constructor(private readonly sink: ByteSink) {}

  /** A folder entry ("apple_health_export/"). */
  async directory(name: string): Promise<void> {
    const record = this.record(name.endsWith('/') ? name : `${name}/`, 0, 0);
    await this.emit(localHeader(record));
    this.entries.push(record);
  }

  /** A deflated file entry from pieces of text or bytes; returns its uncompressed size. */
  async file(name: string, pieces: Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>, level = 6): Promise<number> {
    const record = this.record(name, 8, FLAG_DATA_DESCRIPTOR_UTF8);
    await this.emit(localHeader(record));
    const deflater = zlib.createDeflateRaw({ level });
    const compressed: Uint8Array[] = [];
    deflater.on('data', (chunk: Uint8Array) => compressed.push(chunk));
    const ended = new Promise<void>((resolve, reject) => {
      deflater.once('end', resolve);
      deflater.once('error', reject);
    });
    for await (const piece of pieces) {
      const bytes = typeof piece === 'string' ? Buffer.from(piece) : piece;
      record.crc = zlib.crc32(bytes, record.crc);
      record.size += bytes.length;
      if (!deflater.write(bytes)) await new Promise((resolve) => deflater.once('drain', resolve));
      await this.drain(compressed, record);
    }
    deflater.end();
    await ended;
    await this.drain(compressed, record);
    if (record.size > MAX_32 || record.compressedSize > MAX_32) throw new Error(`${name} needs Zip64, which this writer does not write`);
    const descriptor = new DataView(new ArrayBuffer(16));
    descriptor.setUint32(0, 0x08074b50, true);
    descriptor.setUint32(4, record.crc >>> 0, true);
    descriptor.setUint32(8, record.compressedSize, true);
    descriptor.setUint32(12, record.size, true);
    await this.emit(new Uint8Array(descriptor.buffer));
    this.entries.push(record);
    return record.size;
  }

  /** Writes the central directory and its end record. */
  async close(): Promise<void> {
    const start = this.offset;
    for (const entry of this.entries) await this.emit(centralHeader(entry));
    const size = this.offset - start;
    if (this.offset > MAX_32) throw new Error('the zip needs Zip64, which this writer does not write');
    const end = new DataView(new ArrayBuffer(22));
    end.setUint32(0, 0x06054b50, true);
    end.setUint16(8, this.entries.length, true);
    end.setUint16(10, this.entries.length, true);
    end.setUint32(12, size, true);
    end.setUint32(16, start, true);
    await this.emit(new Uint8Array(end.buffer));
  }

  private record(name: string, method: number, flags: number): CentralRecord {
    return { name: Buffer.from(name), method, flags, crc: 0, compressedSize: 0, size: 0, offset: this.offset };
  }

  private async drain(compressed: Uint8Array[], record: CentralRecord): Promise<void> {
    for (const chunk of compressed) {
      record.compressedSize += chunk.length;
      await this.emit(chunk);
    }
    compressed.length = 0;
  }

  private async emit(bytes: Uint8Array): Promise<void> {
    this.offset += bytes.length;
    await this.sink.write(bytes);
  }
}

function localHeader(entry: CentralRecord): Uint8Array {
  const header = new DataView(new ArrayBuffer(30 + entry.name.length));
  header.setUint32(0, 0x04034b50, true);
  header.setUint16(4, 20, true);
  header.setUint16(6, entry.flags, true);
  header.setUint16(8, entry.method, true);
  header.setUint16(12, DOS_DATE_2024_01_01, true);
  // CRC and sizes stay 0: they follow the data in its descriptor.
  header.setUint16(26, entry.name.length, true);
  const bytes = new Uint8Array(header.buffer);
  bytes.set(entry.name, 30);
  return bytes;
}

function centralHeader(entry: CentralRecord): Uint8Array {
  const header = new DataView(new ArrayBuffer(46 + entry.name.length));
  header.setUint32(0, 0x02014b50, true);
  header.setUint16(4, (3 << 8) | 20, true); // made by Unix, version 2.0
  header.setUint16(6, 20, true);
  header.setUint16(8, entry.flags, true);
  header.setUint16(10, entry.method, true);
  header.setUint16(14, DOS_DATE_2024_01_01, true);
  header.setUint32(16, entry.crc >>> 0, true);
  header.setUint32(20, entry.compressedSize, true);
  header.setUint32(24, entry.size, true);
  header.setUint16(28, entry.name.length, true);
  header.setUint32(42, entry.offset, true);
  const bytes = new Uint8Array(header.buffer);
  bytes.set(entry.name, 46);
  return bytes;
}
