// The csv format's law: an item as GET /samples or GET /export gives it (CONTRACT §7), written by
// toCsvLine under csvHeaderLine and read back by the csv reader in chunks of any size, is the
// §4.1 sample it came from (absent fields absent, an offset the service derived left to derive).
import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { VALUE_KINDS } from '../../src/domain/types.ts';
import { csvFormat, csvHeaderLine, toCsvLine, type ReadSampleItem } from '../../src/imports/formats/csv/index.ts';
import type { SampleItem } from '../../src/imports/format.ts';
import { encoder, readAll } from '../support/import-files.ts';

const text = (maxLength: number) =>
  fc.string({ unit: fc.constantFrom('a', 'Z', '7', ',', '"', '\r', '\n', ' ', 'é', '📱', ';'), minLength: 1, maxLength });
const finite = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }).map((n) => (Object.is(n, -0) ? 0 : n));
const metadataValue = fc.oneof(text(8), fc.integer(), fc.boolean(), fc.constant(null));

const item: fc.Arbitrary<ReadSampleItem> = fc.record({
  sourceId: text(20),
  sourceRecordId: text(40),
  metricCode: text(20),
  valueKind: fc.constantFrom(...VALUE_KINDS),
  value: fc.option(finite),
  unit: fc.option(text(8)),
  categoryCode: fc.option(text(8)),
  durationSeconds: fc.option(finite.map(Math.abs)),
  startAt: fc.date({ noInvalidDate: true }).map((date) => date.toISOString()),
  endAt: fc.option(fc.date({ noInvalidDate: true }).map((date) => date.toISOString())),
  timezoneOffsetMinutes: fc.option(fc.integer({ min: -720, max: 840 })),
  timezoneSource: fc.constantFrom('sample', 'header', 'zone', 'default'),
  localDate: fc.constant('2026-11-20'),
  metadata: fc.option(fc.dictionary(text(6).filter((key) => key !== '__proto__'), metadataValue, { maxKeys: 3 })),
  sourceVersion: fc.option(fc.nat()),
});

/** The §4.1 sample an item stands for. */
function sampleOf(read: ReadSampleItem): Record<string, unknown> {
  const sample: Record<string, unknown> = {};
  for (const key of ['sourceId', 'sourceRecordId', 'metricCode', 'valueKind', 'value', 'unit', 'categoryCode', 'durationSeconds', 'startAt', 'endAt', 'sourceVersion'] as const) {
    if (read[key] !== null) sample[key] = read[key];
  }
  if (read.timezoneOffsetMinutes !== null && (read.timezoneSource === 'sample' || read.timezoneSource === 'header')) {
    sample.timezoneOffsetMinutes = read.timezoneOffsetMinutes;
  }
  if (read.metadata !== null && Object.keys(read.metadata).length > 0) sample.metadata = read.metadata;
  return sample;
}

describe('toCsvLine and the csv reader', () => {
  test('read(header + toCsvLine(items)) gives back each item as its sample, in any chunking', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 1, maxLength: 8 }), fc.integer({ min: 1, max: 64 }), async (items, chunkSize) => {
        const file = csvHeaderLine() + items.map(toCsvLine).join('');
        const { items: read, failure } = await readAll(csvFormat, encoder.encode(file), chunkSize);
        expect(failure).toBeUndefined();
        expect(read.map((entry) => entry.kind)).toEqual(items.map(() => 'sample'));
        expect(read.map((entry) => (entry as SampleItem).sample as Record<string, unknown>)).toEqual(items.map(sampleOf));
      }),
      { numRuns: 300, seed: 13 },
    );
  });
});
