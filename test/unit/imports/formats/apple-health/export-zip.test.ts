import { describe, expect, test } from 'bun:test';
import { deflateSync, zipSync } from 'fflate';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { StreamingZipWriter } from '../../../../../bench/lib/streaming-zip.ts';
import { appleHealthFormat } from '../../../../../src/imports/formats/apple-health/index.ts';
import { encoder, healthAppZip, readAll } from '../../../../support/import-files.ts';
import { realExportFiles } from '../../../../support/realdata.ts';

const files = realExportFiles();
const smallest = new Uint8Array(readFileSync(files.find((file) => file.endsWith('alxdrcirilo-export.xml'))!));
const largest = new Uint8Array(readFileSync(files.find((file) => file.endsWith('rgosdin-docs-export.xml'))!));

/** A zip written as a phone streams it: no sizes in the local headers, a data descriptor after each entry. */
async function streamedZip(entries: [string, Uint8Array][]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  const zip = new StreamingZipWriter({ write: (bytes) => void parts.push(bytes.slice()) });
  await zip.directory('apple_health_export/');
  for (const [name, bytes] of entries) await zip.file(name, [bytes]);
  await zip.close();
  return Buffer.concat(parts);
}

describe('export.zip laid out as the Health app does', () => {
  test.each(files.map((file) => [path.basename(file), file]))('%s zipped gives the same items as the bare XML', async (_name, file) => {
    const xml = new Uint8Array(readFileSync(file));
    const zip = healthAppZip(xml, {
      'apple_health_export/export_cda.xml': encoder.encode('<ClinicalDocument/>'),
      'apple_health_export/workout-routes/route_2016-11-14_7.25am.gpx': encoder.encode('<gpx/>'),
    });
    const fromZip = await readAll(appleHealthFormat, zip);
    expect(fromZip.failure).toBeUndefined();
    expect(fromZip.items).toEqual((await readAll(appleHealthFormat, xml)).items);
  });

  test('entries with data descriptors (a streaming writer) are read, and the ones before export.xml skipped', async () => {
    const zip = await streamedZip([
      ['apple_health_export/electrocardiograms/ecg_2024-01-01.csv', encoder.encode('Name,A\n'.repeat(5000))],
      ['apple_health_export/export.xml', largest],
      ['apple_health_export/export_cda.xml', encoder.encode('<ClinicalDocument/>')],
    ]);
    for (const chunkSize of [997, 64 * 1024]) {
      const result = await readAll(appleHealthFormat, zip, chunkSize);
      expect(result.failure).toBeUndefined();
      expect(result.items).toEqual((await readAll(appleHealthFormat, largest)).items);
    }
  });

  test('an export.xml stored without compression is read too', async () => {
    const zip = healthAppZip(smallest, {}, 0);
    expect((await readAll(appleHealthFormat, zip)).items).toEqual((await readAll(appleHealthFormat, smallest)).items);
  });

  test('byte progress counts the compressed bytes read', async () => {
    const zip = healthAppZip(largest);
    const { bytesRead } = await readAll(appleHealthFormat, zip, 4096);
    expect(bytesRead).toBeLessThanOrEqual(zip.length);
    expect(bytesRead).toBeGreaterThan(zip.length - 4096 - 200);
  });
});

describe('broken and hostile zips', () => {
  test('a zip cut in the middle of export.xml fails TRUNCATED_FILE after the records before the cut', async () => {
    const zip = healthAppZip(largest);
    const whole = (await readAll(appleHealthFormat, largest)).items;
    const cut = await readAll(appleHealthFormat, zip.subarray(0, Math.floor(zip.length / 2)));
    expect(cut.failure?.code).toBe('TRUNCATED_FILE');
    expect(cut.items.length).toBeGreaterThan(100);
    expect(cut.items.length).toBeLessThan(whole.length);
    expect(cut.items).toEqual(whole.slice(0, cut.items.length));
    expect(cut.failure!.position.record).toBe(cut.items.at(-1)!.record);
  });

  test('a streamed zip cut before its data descriptor fails TRUNCATED_FILE', async () => {
    const zip = await streamedZip([['apple_health_export/export.xml', smallest]]);
    // central directory: the folder (46 + 20 name bytes) and export.xml (46 + 30), then its end (22)
    const descriptorAt = zip.length - 22 - (46 + 20) - (46 + 30) - 16;
    const cut = await readAll(appleHealthFormat, zip.subarray(0, descriptorAt + 2));
    expect(cut.failure?.code).toBe('TRUNCATED_FILE');
  });

  test('a flipped byte in the compressed data fails MALFORMED_FILE (bad deflate data or CRC)', async () => {
    const zip = healthAppZip(largest);
    const broken = zip.slice();
    broken[Math.floor(zip.length / 2)]! ^= 0xff;
    const result = await readAll(appleHealthFormat, broken);
    expect(['MALFORMED_FILE', 'TRUNCATED_FILE']).toContain(String(result.failure?.code));
  });

  test('a bomb declaring its size fails EXPANSION_LIMIT_EXCEEDED before any inflating', async () => {
    const zeros = new Uint8Array(8 * 2 ** 20);
    const bomb = zipSync({ 'apple_health_export/export.xml': zeros });
    expect(bomb.length).toBeLessThan(50_000);
    const result = await readAll(appleHealthFormat, bomb, 1024, { maxExpandedBytes: 2 ** 20 });
    expect(result.failure?.code).toBe('EXPANSION_LIMIT_EXCEEDED');
    expect(result.bytesRead).toBeLessThan(bomb.length);
  });

  test('a bomb hiding its size behind a data descriptor fails EXPANSION_LIMIT_EXCEEDED while inflating', async () => {
    const zeros = new Uint8Array(64 * 2 ** 20);
    const bomb = await streamedZip([['bomb.bin', zeros], ['apple_health_export/export.xml', smallest]]);
    const result = await readAll(appleHealthFormat, bomb, 64 * 1024, { maxExpandedBytes: 2 ** 20 });
    expect(result.failure?.code).toBe('EXPANSION_LIMIT_EXCEEDED');
    expect(result.items).toEqual([]);
  });

  test('a zip without export.xml fails NOT_AN_EXPORT', async () => {
    const zip = zipSync({ 'holiday/photo.txt': encoder.encode('not an export') });
    expect((await readAll(appleHealthFormat, zip)).failure?.code).toBe('NOT_AN_EXPORT');
  });

  test('an encrypted or bzip2 export.xml fails UNSUPPORTED_FILE', async () => {
    const zip = healthAppZip(smallest).slice();
    const view = new DataView(zip.buffer);
    let at = 0;
    while (view.getUint32(at, true) === 0x04034b50) {
      const nameLength = view.getUint16(at + 26, true);
      const name = new TextDecoder().decode(zip.subarray(at + 30, at + 30 + nameLength));
      if (name.endsWith('export.xml')) view.setUint16(at + 8, 12, true); // method 12 = bzip2
      at += 30 + nameLength + view.getUint16(at + 28, true) + view.getUint32(at + 18, true);
    }
    expect((await readAll(appleHealthFormat, zip)).failure?.code).toBe('UNSUPPORTED_FILE');
  });

  test('bytes that are no zip after the magic fail MALFORMED_FILE', async () => {
    const junk = new Uint8Array([0x50, 0x4b, 0x03, 0x04, ...deflateSync(encoder.encode('x'.repeat(100)))]);
    const result = await readAll(appleHealthFormat, junk);
    expect(['MALFORMED_FILE', 'TRUNCATED_FILE']).toContain(String(result.failure?.code));
  });
});

describe('Zip64 entries (exports past 4 GiB)', () => {
  /** A local header with 0xFFFFFFFF sizes and a Zip64 extra field, then the deflated data (and a descriptor). */
  function zip64Entry(name: string, data: Uint8Array, descriptor: boolean): Uint8Array {
    const compressed = deflateSync(data);
    const nameBytes = encoder.encode(name);
    const header = new DataView(new ArrayBuffer(30 + nameBytes.length + 20));
    header.setUint32(0, 0x04034b50, true);
    header.setUint16(4, 45, true);
    header.setUint16(6, descriptor ? 0x0008 : 0, true);
    header.setUint16(8, 8, true);
    header.setUint32(14, descriptor ? 0 : zlibCrc(data), true);
    header.setUint32(18, 0xffffffff, true);
    header.setUint32(22, 0xffffffff, true);
    header.setUint16(26, nameBytes.length, true);
    header.setUint16(28, 20, true);
    new Uint8Array(header.buffer).set(nameBytes, 30);
    const extra = 30 + nameBytes.length;
    header.setUint16(extra, 0x0001, true);
    header.setUint16(extra + 2, 16, true);
    header.setBigUint64(extra + 4, BigInt(descriptor ? 0 : data.length), true);
    header.setBigUint64(extra + 12, BigInt(descriptor ? 0 : compressed.length), true);
    const tail = new DataView(new ArrayBuffer(descriptor ? 24 : 0));
    if (descriptor) {
      tail.setUint32(0, 0x08074b50, true);
      tail.setUint32(4, zlibCrc(data), true);
      tail.setBigUint64(8, BigInt(compressed.length), true);
      tail.setBigUint64(16, BigInt(data.length), true);
    }
    return Buffer.concat([new Uint8Array(header.buffer), compressed, new Uint8Array(tail.buffer)]);
  }
  const zlibCrc = (data: Uint8Array) => Bun.hash.crc32(data);

  test.each([false, true])('export.xml with Zip64 sizes (data descriptor: %p), after a skipped Zip64 entry, is read', async (descriptor) => {
    const zip = Buffer.concat([
      zip64Entry('apple_health_export/export_cda.xml', encoder.encode('<ClinicalDocument/>'.repeat(1000)), descriptor),
      zip64Entry('apple_health_export/export.xml', smallest, descriptor),
    ]);
    const result = await readAll(appleHealthFormat, zip, 1000);
    expect(result.failure).toBeUndefined();
    expect(result.items).toEqual((await readAll(appleHealthFormat, smallest)).items);
  });
});

test('a reader left early, or done with export.xml, releases its input', async () => {
  let released = 0;
  async function* chunks(bytes: Uint8Array) {
    try {
      for (let at = 0; at < bytes.length; at += 1024) yield bytes.slice(at, at + 1024);
    } finally {
      released += 1;
    }
  }
  const options = { kindOf: () => undefined, maxExpandedBytes: 2 ** 30 };
  for await (const _item of appleHealthFormat.read(chunks(largest), options)) break;
  expect(released).toBe(1);
  const zip = healthAppZip(smallest, { 'apple_health_export/zz-after.bin': new Uint8Array(100_000).fill(7) });
  for await (const _item of appleHealthFormat.read(chunks(zip), options));
  expect(released).toBe(2);
});
