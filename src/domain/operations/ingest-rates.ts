// Ingest rates for the operations console (CONTRACT §13): what the API processes answered —
// samples accepted, samples failed by code, uploads shed (SERVER_BUSY), requests rate-limited —
// counted in fixed buckets of BUCKET_SECONDS. Every API replica adds its counts into the same
// buckets in Redis (src/ingest-rates.ts), so a bucket holds the whole deployment's counts; this
// file is the pure half: which bucket a moment falls in, the field names inside a bucket, which
// buckets make up the window, and the series assembled from what was read.

export const BUCKET_SECONDS = 5;
export const BUCKET_MS = BUCKET_SECONDS * 1000;
/** what the console charts: the last 15 minutes */
export const WINDOW_MINUTES = 15;
export const WINDOW_BUCKETS = (WINDOW_MINUTES * 60) / BUCKET_SECONDS;
/**
 * A bucket is shown once it ended this long ago: every replica has flushed its share by then
 * (recorders flush every second; the margin covers a slow flush).
 */
export const SETTLE_MS = 2000;

/** the four counters of a bucket; failures add one field per code: `failed:<CODE>` */
export const RATE_FIELDS = { accepted: 'accepted', shed: 'shed', rateLimited: 'rate_limited' } as const;
const FAILED_PREFIX = 'failed:';

export const failedField = (code: string) => `${FAILED_PREFIX}${code}`;

export const bucketOf = (epochMs: number) => Math.floor(epochMs / BUCKET_MS);

/** The buckets of the window ending at the last settled bucket, oldest first. */
export function windowBuckets(nowMs: number, count = WINDOW_BUCKETS): number[] {
  const last = bucketOf(nowMs - SETTLE_MS) - 1;
  return Array.from({ length: count }, (_, i) => last - count + 1 + i);
}

export interface RateSeries {
  bucketSeconds: number;
  /** start of the first bucket and end of the last, ISO 8601 */
  from: string;
  to: string;
  /** counts per bucket, oldest first, one entry per bucket of the window */
  accepted: number[];
  failed: number[];
  shed: number[];
  rateLimited: number[];
  /** per failure code, only codes seen in the window */
  failedByCode: Record<string, number[]>;
  totals: { accepted: number; failed: number; shed: number; rateLimited: number };
}

const count = (text: string | undefined) => {
  const value = Number(text ?? 0);
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
};

/**
 * Series over `buckets` from the hash read for each (`rows[i]` is bucket `buckets[i]`'s fields,
 * empty when no replica counted anything then).
 */
export function assembleRateSeries(buckets: readonly number[], rows: readonly Record<string, string>[]): RateSeries {
  const n = buckets.length;
  const zeros = () => new Array<number>(n).fill(0);
  const series = { accepted: zeros(), failed: zeros(), shed: zeros(), rateLimited: zeros() };
  const failedByCode: Record<string, number[]> = {};
  rows.forEach((row, i) => {
    series.accepted[i] = count(row[RATE_FIELDS.accepted]);
    series.shed[i] = count(row[RATE_FIELDS.shed]);
    series.rateLimited[i] = count(row[RATE_FIELDS.rateLimited]);
    for (const [field, value] of Object.entries(row)) {
      if (!field.startsWith(FAILED_PREFIX)) continue;
      const code = field.slice(FAILED_PREFIX.length);
      (failedByCode[code] ??= zeros())[i] = count(value);
      series.failed[i]! += count(value);
    }
  });
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  const first = buckets[0] ?? 0;
  const last = buckets.at(-1) ?? first - 1;
  return {
    bucketSeconds: BUCKET_SECONDS,
    from: new Date(first * BUCKET_MS).toISOString(),
    to: new Date((last + 1) * BUCKET_MS).toISOString(),
    ...series,
    failedByCode: Object.fromEntries(Object.entries(failedByCode).sort(([a], [b]) => a.localeCompare(b))),
    totals: { accepted: sum(series.accepted), failed: sum(series.failed), shed: sum(series.shed), rateLimited: sum(series.rateLimited) },
  };
}
