// Ingest rates across every API replica (CONTRACT §13), kept in Redis: a per-process ring buffer
// or the Prometheus registry would show the console only the replica that answered its request,
// while the queue and outbox panels beside it are global. So each API process counts into 5 s
// buckets in memory (a Map increment on the upload path, no I/O) and a flusher adds them into
// Redis once a second: HINCRBY per field of the bucket's hash, EXPIRE so old buckets vanish. The
// reader takes the window's buckets in one pipeline. Exact across replicas up to what a process
// had not flushed when it died (≤ 1 s of its counts); the bucket math is domain/operations.
//
//   key  <prefix>:ingest-rates:<bucket index>     hash  accepted | shed | rate_limited | failed:<CODE>
import type Redis from 'ioredis';
import {
  assembleRateSeries,
  bucketOf,
  failedField,
  RATE_FIELDS,
  WINDOW_BUCKETS,
  windowBuckets,
  BUCKET_SECONDS,
  type RateSeries,
} from './domain/operations/ingest-rates.ts';
import type { Logger } from './log.ts';
import { bounded } from './bounded.ts';

const FLUSH_EVERY_MS = 1000;
/** a bucket's key outlives the console's window, with a margin for replicas' clocks */
const KEY_TTL_SECONDS = WINDOW_BUCKETS * BUCKET_SECONDS + 5 * 60;
const REDIS_TIMEOUT_MS = 1000;

export interface IngestRateRecorder {
  /** a batch's valid samples and per-sample failure codes, when it is committed or queued */
  samples(accepted: number, failureCodes: readonly string[]): void;
  /** an upload answered 503 SERVER_BUSY */
  shed(): void;
  /** a request answered 429 RATE_LIMITED */
  rateLimited(): void;
  /** adds what was counted into Redis now (also every second on its own) */
  flush(): Promise<void>;
  /** stops the timer and flushes what is left, bounded */
  close(): Promise<void>;
}

export interface IngestRateReader {
  read(nowMs?: number): Promise<RateSeries>;
}

const keyOf = (prefix: string, bucket: number) => `${prefix}:ingest-rates:${bucket}`;

export function createIngestRateRecorder(options: { redis: Redis; prefix: string; log?: Logger; now?: () => number }): IngestRateRecorder {
  const { redis, prefix } = options;
  const now = options.now ?? Date.now;
  /** bucket → field → count not yet in Redis */
  let pending = new Map<number, Map<string, number>>();
  let flushing: Promise<void> | null = null;
  /** one warning per outage, not one per second */
  let failing = false;

  const add = (field: string, by: number) => {
    if (by <= 0) return;
    const bucket = bucketOf(now());
    let fields = pending.get(bucket);
    if (!fields) pending.set(bucket, (fields = new Map()));
    fields.set(field, (fields.get(field) ?? 0) + by);
  };

  async function flushOnce(): Promise<void> {
    if (pending.size === 0) return;
    const batch = pending;
    pending = new Map();
    const pipeline = redis.pipeline();
    for (const [bucket, fields] of batch) {
      const key = keyOf(prefix, bucket);
      for (const [field, by] of fields) pipeline.hincrby(key, field, by);
      pipeline.expire(key, KEY_TTL_SECONDS);
    }
    try {
      const results = await bounded(pipeline.exec(), REDIS_TIMEOUT_MS, 'ingest rates flush');
      const failed = results?.find(([error]) => error);
      if (failed) throw failed[0];
      if (failing) options.log?.info('ingest rates flushed again');
      failing = false;
    } catch (error) {
      // Redis unreachable: keep the counts for the next flush (buckets past the window are dropped;
      // a flush that timed out may still land, so a retry can count twice — rare, and only then)
      const oldest = bucketOf(now()) - WINDOW_BUCKETS;
      for (const [bucket, fields] of batch) {
        if (bucket < oldest) continue;
        for (const [field, by] of fields) {
          let into = pending.get(bucket);
          if (!into) pending.set(bucket, (into = new Map()));
          into.set(field, (into.get(field) ?? 0) + by);
        }
      }
      if (!failing) options.log?.warn({ err: error }, 'ingest rates not flushed (kept for the next flush)');
      failing = true;
    }
  }

  const flush = () => (flushing ??= flushOnce().finally(() => (flushing = null)));
  const timer = setInterval(() => void flush(), FLUSH_EVERY_MS);
  timer.unref?.();

  return {
    samples(accepted, failureCodes) {
      add(RATE_FIELDS.accepted, accepted);
      for (const code of failureCodes) add(failedField(code), 1);
    },
    shed: () => add(RATE_FIELDS.shed, 1),
    rateLimited: () => add(RATE_FIELDS.rateLimited, 1),
    async flush() {
      await flush();
      // counts added while a flush was on its way go out too
      if (pending.size > 0) await flush();
    },
    async close() {
      clearInterval(timer);
      await this.flush();
    },
  };
}

export function createIngestRateReader(options: { redis: Redis; prefix: string }): IngestRateReader {
  const { redis, prefix } = options;
  return {
    async read(nowMs = Date.now()) {
      const buckets = windowBuckets(nowMs);
      const pipeline = redis.pipeline();
      for (const bucket of buckets) pipeline.hgetall(keyOf(prefix, bucket));
      const results = (await bounded(pipeline.exec(), REDIS_TIMEOUT_MS, 'ingest rates')) ?? [];
      const rows = results.map(([error, row]) => {
        if (error) throw error;
        return (row ?? {}) as Record<string, string>;
      });
      return assembleRateSeries(buckets, rows);
    },
  };
}
