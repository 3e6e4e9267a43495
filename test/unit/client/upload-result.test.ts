import { describe, expect, test } from 'bun:test';
import { HealthIngestError } from '../../../src/client/errors.ts';
import { callerPath, inCallerTerms, UploadTally, type BatchResult } from '../../../src/client/upload-result.ts';

const positions = (samples: number[], deleted: number[] = []) => ({ sampleIndexes: samples, deletedIndexes: deleted });
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const result = (overrides: Partial<BatchResult>): BatchResult => ({ accepted: 0, unchanged: 0, deleted: 0, failed: [], watermarkSeq: null, ...overrides });

describe('merging the results of an upload\'s batches', () => {
  test('counts are summed, failures point into the caller\'s arrays in index order, the highest watermark is kept', () => {
    const tally = new UploadTally();
    // batches finish out of order
    tally.add(positions(range(500, 500)), result({ accepted: 499, unchanged: 3, failed: [{ index: 140, code: 'UNKNOWN_METRIC', message: 'm', sourceRecordId: 'r640' }], watermarkSeq: 9 }), false);
    tally.add(positions(range(0, 500)), result({ accepted: 499, deleted: 2, failed: [{ index: 17, code: 'VALUE_OUT_OF_BOUNDS', message: 'v' }], watermarkSeq: 7 }), true);
    tally.add(positions(range(1000, 200), range(0, 10)), result({ accepted: 200, deleted: 4, watermarkSeq: null }), false);
    expect(tally.result()).toEqual({
      accepted: 1198,
      unchanged: 3,
      deleted: 6,
      failed: [
        { index: 17, code: 'VALUE_OUT_OF_BOUNDS', message: 'v' },
        { index: 640, code: 'UNKNOWN_METRIC', message: 'm', sourceRecordId: 'r640' },
      ],
      watermarkSeq: 9,
      batches: 3,
      replayedBatches: 1,
    });
  });

  test('a batch that changed nothing leaves the watermark null; an unsendable sample is a failure of its own', () => {
    const tally = new UploadTally();
    tally.add(positions([0, 2]), result({ accepted: 2, unchanged: 2 }), true);
    tally.addUnsendable(1, 6_000_000, 5_242_880);
    expect(tally.result()).toMatchObject({ watermarkSeq: null, failed: [{ index: 1, code: 'PAYLOAD_TOO_LARGE' }] });
  });

  test('INVALID_FIELD pointers are rewritten to the caller\'s index, even past a skipped sample', () => {
    const batch = positions([0, 2, 3], range(100, 5));
    expect(callerPath('/samples/1/startAt', batch)).toBe('/samples/2/startAt');
    expect(callerPath('/samples/2', batch)).toBe('/samples/3');
    expect(callerPath('/deleted/4/sourceRecordId', batch)).toBe('/deleted/104/sourceRecordId');
    expect(callerPath('/headers/x-timezone-offset', batch)).toBe('/headers/x-timezone-offset');
    expect(callerPath('/samples/99/startAt', batch)).toBe('/samples/99/startAt');

    const tally = new UploadTally();
    tally.add(batch, result({ accepted: 2, failed: [{ index: 1, code: 'INVALID_FIELD', message: 'startAt', path: '/samples/1/startAt' }] }), false);
    expect(tally.result().failed).toEqual([{ index: 2, code: 'INVALID_FIELD', message: 'startAt', path: '/samples/2/startAt' }]);
  });

  test('a batch\'s VALIDATION_FAILED is thrown with its pointers in the caller\'s terms', () => {
    const error = new HealthIngestError({
      status: 400, code: 'VALIDATION_FAILED', detail: 'd', requestId: 'req-1',
      errors: [{ path: '/deleted/150/sourceRecordId', message: 'Expected 1..256 characters' }],
    });
    const mapped = inCallerTerms(error, positions([], range(400, 200)));
    expect(mapped).toBeInstanceOf(HealthIngestError);
    expect(mapped).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', requestId: 'req-1', errors: [{ path: '/deleted/550/sourceRecordId', message: 'Expected 1..256 characters' }] });
  });
});
