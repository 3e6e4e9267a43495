import { describe, expect, test } from 'bun:test';
import { progressBar, progressRates } from '../../../../src/domain/imports/progress-line.ts';

const figures = (over: Partial<Parameters<typeof progressRates>[0]> = {}) => ({
  bytesRead: 250,
  bytesTotal: 1000,
  recordsRead: 5000,
  accepted: 4000,
  unchanged: 900,
  failed: 100,
  elapsedMs: 10_000,
  ...over,
});

describe('the CLI progress figures', () => {
  test.each([
    ['a quarter in 10 s', figures(), { percent: 25, recordsPerSecond: 500, etaSeconds: 30 }],
    ['nothing read yet', figures({ bytesRead: 0, recordsRead: 0 }), { percent: 0, recordsPerSecond: 0, etaSeconds: null }],
    ['size unknown', figures({ bytesTotal: null }), { percent: null, recordsPerSecond: 500, etaSeconds: null }],
    ['done', figures({ bytesRead: 1000 }), { percent: 100, recordsPerSecond: 500, etaSeconds: 0 }],
    ['no time yet', figures({ elapsedMs: 0 }), { percent: 25, recordsPerSecond: 0, etaSeconds: null }],
  ])('%s', (_name, input, expected) => {
    expect(progressRates(input)).toEqual(expected);
  });

  test('the bar line shows the percent of bytes, records, records/s and the ETA', () => {
    expect(progressBar(figures(), 8)).toBe('[##------]  25.0 %  5,000 records  500/s  ETA 0:30  (4,000 accepted, 900 unchanged, 100 failed)');
    expect(progressBar(figures({ bytesTotal: null }), 4)).toBe('[----]    ? %  5,000 records  500/s  ETA ?  (4,000 accepted, 900 unchanged, 100 failed)');
    expect(progressBar(figures({ bytesRead: 1, elapsedMs: 3_700_000 }), 4)).toContain('ETA 1026h45m');
  });
});
