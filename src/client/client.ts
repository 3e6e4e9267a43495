// HealthIngestClient (CONTRACT §12): what an app calls. It holds the settings and the transport;
// each capability lives in its own file (upload.ts, import-file.ts, user-data.ts), the reads
// that are one request or a page loop are here.
import { errorFromAnswer, HealthIngestError } from './errors.ts';
import { sendImport, type ImportFile, type ImportOptions } from './import-file.ts';
import { DEFAULT_RETRY, retryHintMs, type RetryOptions } from './retry-policy.ts';
import { Transport, withQuery, type Call, type TokenSource } from './transport.ts';
import { uploadBatches, type UploadOptions, type UploadSettings } from './upload.ts';
import type { UploadResult } from './upload-result.ts';
import { eraseEverything, exportedItems, type PollSettings } from './user-data.ts';
import type { DailySummaries, DailySummariesQuery, Erasure, ImportState, PrivacySettings, SampleItem, SamplesQuery, UploadInput } from './wire-types.ts';

export interface HealthIngestClientOptions {
  /** the service's root, e.g. https://health.example.com (a path prefix is kept) */
  baseUrl: string;
  /** a fixed bearer token … */
  token?: string;
  /** … or a function asked before every request (forceRefresh after a 401, tried once more) */
  getToken?: TokenSource;
  /** sent as X-Timezone-Offset: the offset of samples that carry none (§4.6) */
  timezoneOffsetMinutes?: number;
  /** default: globalThis.fetch */
  fetch?: (input: string, init: RequestInit) => Promise<Response>;
  /** extra headers on every request */
  headers?: Record<string, string>;
  /** the service's MAX_BATCH_ITEMS (per array); default 500 */
  maxBatchItems?: number;
  /**
   * the service's INGEST_QUEUE_THRESHOLD; default 400. Batches are cut below it (samples +
   * deletes), so the service answers each at once instead of queueing it and being polled.
   * null: cut at maxBatchItems only (large batches are queued and polled).
   */
  queueThreshold?: number | null;
  /** the service's MAX_JOB_PAYLOAD_BYTES (a body's JSON bytes); default 5 MiB */
  maxBodyBytes?: number;
  /** batches of one upload in flight at once; default 2 */
  concurrency?: number;
  retry?: Partial<RetryOptions>;
  /** one try, send to last byte; default 60 s */
  requestTimeoutMs?: number;
  /** between polls of a queued batch when the service gives no hint; default 1 s (imports, erasures: 2 s) */
  pollIntervalMs?: number;
  /** how long a queued batch, an import or an erasure may take; default 30 min */
  pollTimeoutMs?: number;
  /** 'gzip' compresses upload bodies where the platform has CompressionStream; default 'none' */
  compression?: 'gzip' | 'none';
}

const DEFAULTS = {
  maxBatchItems: 500,
  queueThreshold: 400,
  maxBodyBytes: 5 * 1024 * 1024,
  concurrency: 2,
  requestTimeoutMs: 60_000,
  pollIntervalMs: 1000,
  slowPollIntervalMs: 2000,
  pollTimeoutMs: 30 * 60_000,
} as const;

export interface PrivacySettingsApi {
  get(options?: { signal?: AbortSignal }): Promise<PrivacySettings>;
  /** replaces them; applies to the very next upload (§6) */
  put(settings: PrivacySettings, options?: { signal?: AbortSignal }): Promise<PrivacySettings>;
}

export class HealthIngestClient {
  readonly privacySettings: PrivacySettingsApi;
  private readonly transport: Transport;
  private readonly uploadSettings: UploadSettings;
  private readonly pollSettings: PollSettings;

  constructor(options: HealthIngestClientOptions) {
    const offset = options.timezoneOffsetMinutes;
    if (offset !== undefined && !(Number.isInteger(offset) && offset >= -720 && offset <= 840)) {
      throw new RangeError('timezoneOffsetMinutes must be an integer in -720..840');
    }
    if (options.token !== undefined && options.getToken !== undefined) throw new TypeError('give token or getToken, not both');
    if (!/^https?:\/\/[^/]/i.test(options.baseUrl)) throw new TypeError(`baseUrl must be an http(s) URL, got "${options.baseUrl}"`);
    const token = options.token;
    const retry = { ...DEFAULT_RETRY, ...options.retry };
    const fetchImpl = options.fetch ?? ((input: string, init: RequestInit) => globalThis.fetch(input, init));
    const now = () => Date.now();
    const random = Math.random;
    this.transport = new Transport({
      baseUrl: options.baseUrl,
      token: options.getToken ?? (token === undefined ? undefined : () => token),
      refreshable: options.getToken !== undefined,
      fetch: fetchImpl,
      headers: options.headers ?? {},
      retry,
      requestTimeoutMs: options.requestTimeoutMs ?? DEFAULTS.requestTimeoutMs,
      now,
      random,
    });
    const pollTimeoutMs = options.pollTimeoutMs ?? DEFAULTS.pollTimeoutMs;
    const threshold = options.queueThreshold === undefined ? DEFAULTS.queueThreshold : options.queueThreshold;
    this.uploadSettings = {
      transport: this.transport,
      baseUrl: options.baseUrl,
      limits: {
        maxItemsPerArray: options.maxBatchItems ?? DEFAULTS.maxBatchItems,
        maxItemsPerBatch: threshold === null ? Number.POSITIVE_INFINITY : Math.max(1, threshold - 1),
        maxBodyBytes: options.maxBodyBytes ?? DEFAULTS.maxBodyBytes,
      },
      concurrency: Math.max(1, options.concurrency ?? DEFAULTS.concurrency),
      timezoneOffsetMinutes: offset,
      compression: options.compression ?? 'none',
      pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.pollIntervalMs,
      pollTimeoutMs,
      maxSends: retry.maxAttempts,
      now,
      random,
    };
    this.pollSettings = {
      transport: this.transport,
      baseUrl: options.baseUrl,
      pollIntervalMs: options.pollIntervalMs ?? DEFAULTS.slowPollIntervalMs,
      pollTimeoutMs,
      now,
    };
    this.privacySettings = {
      get: (opts = {}) => this.json<PrivacySettings>({ method: 'GET', path: '/api/v1/health/privacy-settings', signal: opts.signal }),
      put: (settings, opts = {}) =>
        this.json<PrivacySettings>({
          method: 'PUT',
          path: '/api/v1/health/privacy-settings',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(settings),
          signal: opts.signal,
        }),
    };
  }

  /**
   * Stores samples and deletes, however many: split in batches the service takes, each sent
   * under a requestId derived from its content (a re-run after a crash replays), retried and
   * polled until it has a result. `failed[].index` points into `samples`. See upload.ts for
   * the order guarantee.
   */
  upload(input: UploadInput, options: UploadOptions = {}): Promise<UploadResult> {
    return uploadBatches(this.uploadSettings, input.samples ?? [], input.deleted ?? [], options);
  }

  /** Sends a whole exported file (§9) and waits until its import has finished. */
  importFile(format: string, file: ImportFile, options: ImportOptions = {}): Promise<ImportState> {
    return sendImport(this.pollSettings, format, file, options);
  }

  /** Every live sample matching the query, across as many pages as it takes (§7). */
  async *samples(query: SamplesQuery = {}): AsyncGenerator<SampleItem> {
    let cursor = query.cursor;
    for (;;) {
      const page = await this.json<{ items: SampleItem[]; nextCursor: string | null }>({
        method: 'GET',
        path: withQuery('/api/v1/health/samples', {
          metric: query.metric,
          from: instantText(query.from),
          to: instantText(query.to),
          limit: query.pageSize,
          cursor,
        }),
        signal: query.signal,
      });
      yield* page.items;
      if (page.nextCursor === null || page.nextCursor === undefined) return;
      cursor = page.nextCursor;
    }
  }

  /** Daily summaries (§7); with minSeq the service waits (≤ 2 s) for that write to be summarized. */
  dailySummaries(query: DailySummariesQuery): Promise<DailySummaries> {
    return this.json<DailySummaries>({
      method: 'GET',
      path: withQuery('/api/v1/health/daily-summaries', {
        from: query.from,
        to: query.to,
        metrics: query.metrics?.join(','),
        minSeq: query.minSeq,
      }),
      signal: query.signal,
    });
  }

  /** Every live sample of the user, streamed from GET /export (§10). */
  exportAll(options: { signal?: AbortSignal } = {}): AsyncGenerator<SampleItem> {
    return exportedItems(this.transport, options.signal);
  }

  /** Deletes everything the service holds of the user (§10), and waits until it is done. */
  eraseAll(options: { signal?: AbortSignal } = {}): Promise<Erasure> {
    return eraseEverything(this.pollSettings, options.signal);
  }

  private async json<T>(call: Call): Promise<T> {
    const answer = await this.transport.send(call);
    if (answer.status !== 200) throw errorFromAnswer(answer, retryHintMs(answer.headers, answer.body, Date.now()));
    if (typeof answer.body !== 'object' || answer.body === null) {
      throw new HealthIngestError({ status: answer.status, code: 'UNEXPECTED_RESPONSE', detail: `${call.method} ${call.path} did not answer JSON`, requestId: answer.headers.get('x-request-id') });
    }
    return answer.body as T;
  }
}

function instantText(value: string | Date | undefined): string | undefined {
  return value instanceof Date ? value.toISOString() : value;
}
