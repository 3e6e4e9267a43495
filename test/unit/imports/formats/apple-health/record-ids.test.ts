import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { appleHealthFormat } from '../../../../../src/imports/formats/apple-health/index.ts';
import type { SampleItem } from '../../../../../src/imports/format.ts';
import { encoder, readAll } from '../../../../support/import-files.ts';
import { REALDATA_DIR } from '../../../../support/realdata.ts';

const ids = async (bytes: Uint8Array) =>
  (await readAll(appleHealthFormat, bytes)).items.filter((item): item is SampleItem => item.kind === 'sample').map((item) => item.sample.sourceRecordId);

describe('derived sourceRecordIds', () => {
  const text = readFileSync(`${REALDATA_DIR}/rgosdin-docs-export.xml`, 'utf8');

  test('a re-import of the same export names every record the same', async () => {
    expect(await ids(encoder.encode(text))).toEqual(await ids(encoder.encode(text)));
  });

  test('a later export of the same phone, written at another offset with new device addresses, names them the same', async () => {
    // The same instants written at -0700 instead of -0400 (the phone moved zones), and fresh HKDevice addresses.
    const later = text
      .replace(/(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) -0400/g, (_m, y, mo, d, h, mi, s) => {
        const shifted = new Date(Date.UTC(+y, +mo - 1, +d, +h - 3, +mi, +s)).toISOString();
        return `${shifted.slice(0, 10)} ${shifted.slice(11, 19)} -0700`;
      })
      .replace(/HKDevice: 0x[0-9a-f]+/g, 'HKDevice: 0x1234abcd');
    expect(later).not.toBe(text);
    expect(await ids(encoder.encode(later))).toEqual(await ids(encoder.encode(text)));
  });

  test('records that differ in value get different ids; the ids of one export are unique', async () => {
    const all = await ids(encoder.encode(text));
    const duplicates = all.length - new Set(all).size;
    // The file holds one MindfulSession twice, byte for byte (a real export's duplicate).
    expect(duplicates).toBe((text.match(/<Record type="HKCategoryTypeIdentifierMindfulSession"[^>]*>/g) ?? []).length - 1);
  });
});

describe('the derivation itself', () => {
  test('pinned: known records keep their ids (a change here re-imports every export as new)', async () => {
    const bytes = new Uint8Array(readFileSync(`${REALDATA_DIR}/alxdrcirilo-export.xml`));
    const [heartRate, secondHeartRate] = await ids(bytes);
    const parts = [
      'record',
      'HKQuantityTypeIdentifierHeartRate',
      "Alexandre's Apple Watch",
      '10.2',
      'name:Apple Watch, manufacturer:Apple Inc., model:Watch, hardware:Watch6,7, software:10.2',
      'count/min',
      '74',
      String(Date.parse('2023-12-31T23:01:36Z')),
      String(Date.parse('2023-12-31T23:01:36Z')),
      String(Date.parse('2023-12-31T23:01:42Z')),
    ].join('\u001f');
    const hex = (seed: bigint) => Bun.hash.xxHash3(parts, seed).toString(16).padStart(16, '0');
    expect(heartRate).toBe(`ah1-${hex(0n)}${hex(1n)}`);
    expect(heartRate).toBe('ah1-abc7e4e3bd767d854cb8fddd2d8e738e');
    expect(secondHeartRate).toBe('ah1-e9a13ca78b43083dbf369e9139733303');
    const [height] = await ids(new Uint8Array(readFileSync(`${REALDATA_DIR}/ericwolter-export.xml`)));
    expect(height).toBe('ah1-d277ec887167dfbd251e36b70e5ceb0f');
  });

  test('XXH3-64 is the reference function (its published empty-input value)', () => {
    expect(Bun.hash.xxHash3('', 0n).toString(16)).toBe('2d06800538d394c2');
  });
});
