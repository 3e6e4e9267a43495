import { describe, expect, test } from 'bun:test';
import { bodyText, OversizedDeleteRef, planBatches, type BatchLimits, type OversizedSample, type PlannedBatch } from '../../../src/client/batches.ts';

const LIMITS: BatchLimits = { maxItemsPerArray: 500, maxItemsPerBatch: Number.POSITIVE_INFINITY, maxBodyBytes: 5 * 1024 * 1024 };
const sample = (i: number, extra: Record<string, unknown> = {}) => ({ sourceId: 'w', sourceRecordId: `r${i}`, metricCode: 'heart_rate', value: i, startAt: '2026-11-20T07:15:00Z', ...extra });
const samplesOf = (n: number) => Array.from({ length: n }, (_, i) => sample(i));
const deletesOf = (n: number) => Array.from({ length: n }, (_, i) => ({ sourceRecordId: `d${i}` }));

function plan(samples: unknown[], deleted: unknown[], limits: Partial<BatchLimits> = {}) {
  const all = [...planBatches(samples, deleted, { ...LIMITS, ...limits })];
  return {
    batches: all.filter((item): item is PlannedBatch => !('oversized' in item)),
    oversized: all.filter((item): item is OversizedSample => 'oversized' in item),
  };
}
const shape = (batches: PlannedBatch[]) => batches.map((b) => [b.sampleTexts.length, b.deletedTexts.length]);
const utf8 = (text: string) => new TextEncoder().encode(text).byteLength;

describe('splitting an upload into batches', () => {
  test('at most maxItemsPerArray samples per batch, each sample once, in the caller\'s order', () => {
    const { batches } = plan(samplesOf(1200), []);
    expect(shape(batches)).toEqual([[500, 0], [500, 0], [200, 0]]);
    expect(batches.flatMap((b) => b.sampleIndexes)).toEqual(Array.from({ length: 1200 }, (_, i) => i));
    expect(batches.map((b) => b.ordinal)).toEqual([0, 1, 2]);
  });

  test('deletes follow every sample: they fill the last sample batch, then batches of their own', () => {
    const { batches } = plan(samplesOf(700), deletesOf(900));
    expect(shape(batches)).toEqual([[500, 0], [200, 500], [0, 400]]);
    expect(batches[1]!.deletedIndexes[0]).toBe(0);
    expect(batches[2]!.deletedIndexes).toEqual(Array.from({ length: 400 }, (_, i) => 500 + i));
  });

  test('samples + deletes stay under maxItemsPerBatch (the queue threshold), the per-array cap still holds', () => {
    const { batches } = plan(samplesOf(1000), deletesOf(500), { maxItemsPerBatch: 399 });
    expect(shape(batches)).toEqual([[399, 0], [399, 0], [202, 197], [0, 303]]);
    expect(batches.every((b) => b.sampleTexts.length + b.deletedTexts.length <= 399)).toBe(true);
  });

  test('each body is at most maxBodyBytes of UTF-8, and the cut is greedy: the next element would not have fit', () => {
    // multi-byte text: é (2 bytes), € (3), 😀 (4) — counted as UTF-8, not as UTF-16 units
    const samples = Array.from({ length: 300 }, (_, i) => sample(i, { note: 'é€😀'.repeat(1 + (i % 7)) }));
    const maxBodyBytes = 8_000;
    const { batches } = plan(samples, [], { maxBodyBytes });
    expect(batches.length).toBeGreaterThan(5);
    for (const [n, batch] of batches.entries()) {
      const body = bodyText(crypto.randomUUID(), 'f'.repeat(64), batch.sampleTexts, batch.deletedTexts);
      expect(utf8(body)).toBeLessThanOrEqual(maxBodyBytes);
      const next = batches[n + 1];
      if (next) {
        const grown = bodyText(crypto.randomUUID(), 'f'.repeat(64), [...batch.sampleTexts, next.sampleTexts[0]!], []);
        expect(utf8(grown)).toBeGreaterThan(maxBodyBytes);
      }
    }
  });

  test('the element texts are what JSON.stringify sends: undefined members dropped, Dates as ISO text', () => {
    const { batches } = plan([{ sourceRecordId: 'a', endAt: undefined, startAt: new Date(Date.UTC(2026, 10, 20)) }], []);
    expect(batches[0]!.sampleTexts).toEqual(['{"sourceRecordId":"a","startAt":"2026-11-20T00:00:00.000Z"}']);
  });

  test('a sample too large for any body is reported and skipped; its neighbours go on', () => {
    const samples = [sample(0), sample(1, { metadata: { blob: 'x'.repeat(10_000) } }), sample(2)];
    const { batches, oversized } = plan(samples, [], { maxBodyBytes: 5_000 });
    expect(oversized).toEqual([{ oversized: true, index: 1, bytes: expect.any(Number) }]);
    expect(batches.flatMap((b) => b.sampleIndexes)).toEqual([0, 2]);
  });

  test('a delete ref too large for any body is an error (deletes have no failed[] to report it in)', () => {
    expect(() => plan([], [{ sourceRecordId: 'x'.repeat(10_000) }], { maxBodyBytes: 5_000 })).toThrow(OversizedDeleteRef);
  });

  test('the same input gives the same batches, and a longer input the same leading ones (re-runs replay)', () => {
    const first = plan(samplesOf(1100), []).batches;
    expect(plan(samplesOf(1100), []).batches.map((b) => b.sampleTexts)).toEqual(first.map((b) => b.sampleTexts));
    const longer = plan(samplesOf(1900), []).batches;
    expect(longer.slice(0, 2).map((b) => b.sampleTexts)).toEqual(first.slice(0, 2).map((b) => b.sampleTexts));
  });

  test('each batch knows the sourceRecordIds it writes or deletes', () => {
    const { batches } = plan([sample(1), sample(2), { sourceRecordId: 7 }], [{ sourceRecordId: 'gone' }]);
    expect([...batches[0]!.recordIds].sort()).toEqual(['gone', 'r1', 'r2']);
  });

  test('batches are cut lazily: taking the first serializes only what it holds (and one more)', () => {
    let serialized = 0;
    const samples = Array.from({ length: 5000 }, (_, i) => ({ toJSON: () => (serialized++, sample(i)) }));
    const first = planBatches(samples, [], LIMITS).next();
    expect((first.value as PlannedBatch).sampleTexts.length).toBe(500);
    expect(serialized).toBe(501);
  });
});
