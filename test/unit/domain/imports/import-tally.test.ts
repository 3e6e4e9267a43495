import { expect, test } from 'bun:test';
import { MAX_IMPORT_ERRORS } from '../../../../src/domain/imports/import-schema.ts';
import { emptyCounts, ImportTally } from '../../../../src/domain/imports/import-tally.ts';

test('an import tally counts records, skips by type and failures by code, keeping the first 100 errors with where they were', () => {
  const tally = new ImportTally();
  tally.read(3);
  tally.skipped('ActivitySummary');
  tally.skipped('ActivitySummary');
  for (let i = 1; i <= MAX_IMPORT_ERRORS + 5; i++) tally.failed(i % 2 ? 'INVALID_FIELD' : 'UNKNOWN_METRIC', `bad ${i}`, { line: i + 1, record: i });
  tally.failed('MALFORMED_LINE', 'cut', { line: 0, record: 0 });
  tally.written(7, 2);
  const { counts } = tally;
  expect(counts.recordsRead).toBe(3);
  expect(counts.skippedByType).toEqual({ ActivitySummary: 2 });
  expect(counts.failed).toBe(MAX_IMPORT_ERRORS + 6);
  expect(counts.failedByCode).toEqual({ INVALID_FIELD: 53, UNKNOWN_METRIC: 52, MALFORMED_LINE: 1 });
  expect(counts.errors).toHaveLength(MAX_IMPORT_ERRORS);
  expect(counts.errors[0]).toEqual({ line: 2, record: 1, code: 'INVALID_FIELD', message: 'bad 1' });
  expect([counts.accepted, counts.unchanged]).toEqual([7, 2]);
});

test('a tally resumed from stored counts adds to them; its snapshots do not move with it', () => {
  const tally = new ImportTally({ ...emptyCounts(), recordsRead: 10, failedByCode: { INVALID_FIELD: 1 }, failed: 1 });
  const snapshot = tally.snapshot();
  tally.read(1);
  tally.failed('INVALID_FIELD', 'x', { line: 3, record: 11 });
  expect(snapshot).toMatchObject({ recordsRead: 10, failed: 1, failedByCode: { INVALID_FIELD: 1 }, errors: [] });
  expect(tally.counts).toMatchObject({ recordsRead: 11, failed: 2, failedByCode: { INVALID_FIELD: 2 } });
});
