// The shapes the SDK sends and receives (CONTRACT §4, §6, §7, §9, §10). Written here, not
// imported from the service's TypeBox schemas, so that an app's compiler needs nothing of the
// service (no TypeBox, no domain files) to type its calls; test/unit/client/wire-types.test.ts
// holds them to the service's schemas, field by field, at compile time and at run time.

/** An instant as RFC 3339 text, or a Date (sent as its toISOString()). */
export type Instant = string | Date;

export type ValueKind = 'SCALAR_NUM' | 'CUMULATIVE_NUM' | 'INTERVAL_NUM' | 'CATEGORY';

/** A sample as upload() takes it (§4.1). Extra fields are sent as they are (and count in the hash). */
export interface SampleInput {
  sourceId: string;
  sourceRecordId: string;
  /** a catalog code or a platform alias (HKQuantityTypeIdentifierHeartRate, HeartRateRecord, …) */
  metricCode: string;
  valueKind: ValueKind;
  value?: number;
  unit?: string;
  categoryCode?: string;
  durationSeconds?: number;
  startAt: Instant;
  endAt?: Instant;
  /** minutes east of UTC, -720..840 */
  timezoneOffsetMinutes?: number;
  metadata?: Record<string, unknown>;
  /** HealthKit HKMetadataKeySyncVersion, Health Connect clientRecordVersion */
  sourceVersion?: number;
  [extra: string]: unknown;
}

/** A delete ref (§4.1): the record id alone matches across sources, metrics and start times. */
export interface DeleteRefInput {
  sourceRecordId: string;
  sourceId?: string;
  metricCode?: string;
  startAt?: Instant;
  [extra: string]: unknown;
}

export interface UploadInput {
  samples?: readonly SampleInput[];
  deleted?: readonly DeleteRefInput[];
}

/** A stored live sample (§7), in canonical units; absent values are null. */
export interface SampleItem {
  sourceId: string;
  sourceRecordId: string;
  metricCode: string;
  valueKind: string;
  value: number | null;
  unit: string | null;
  categoryCode: string | null;
  durationSeconds: number | null;
  startAt: string;
  endAt: string;
  timezoneOffsetMinutes: number;
  timezoneSource?: string;
  localDate: string;
  metadata: Record<string, unknown>;
  sourceVersion: number | null;
}

export interface SamplesQuery {
  /** a metric code or platform alias */
  metric?: string;
  /** inclusive bounds on startAt */
  from?: Instant;
  to?: Instant;
  /** items per page asked of the service (≤ 1000) */
  pageSize?: number;
  /** resume after a page (a nextCursor the service gave) */
  cursor?: string;
  signal?: AbortSignal;
}

export interface DailySummariesQuery {
  /** inclusive local dates, YYYY-MM-DD */
  from: string;
  to: string;
  /** codes or platform aliases; default every metric */
  metrics?: readonly string[];
  /** read-your-writes: an upload's watermarkSeq */
  minSeq?: number | null;
  signal?: AbortSignal;
}

export interface SummaryStats {
  count: number;
  sum: number;
  min: number;
  max: number;
  avg: number;
}

/** One (metric, local date) cell in the metric's canonical unit (§7). */
export interface DailySummary extends SummaryStats {
  metricCode: string;
  localDate: string;
  unit: string | null;
  /** CATEGORY metrics only: seconds per category */
  categorySeconds?: Record<string, number>;
  /** the same numbers per sourceId */
  bySource: Array<SummaryStats & { sourceId: string; categorySeconds?: Record<string, number> }>;
}

export interface DailySummaries {
  items: DailySummary[];
  watermarkSeq: number;
  projectedSeq: number;
  stale: boolean;
}

/** §6 */
export interface PrivacySettings {
  syncEnabled: boolean;
  /** metric codes (or aliases) whose samples are refused with PRIVACY_BLOCKED */
  blockedMetrics: string[];
}

/** An import (§9). */
export interface ImportState {
  importId: string;
  format: string;
  status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled';
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  progress: {
    bytesTotal: number | null;
    bytesRead: number;
    recordsRead: number;
    accepted: number;
    unchanged: number;
    failed: number;
    failedByCode: Record<string, number>;
    skippedByType: Record<string, number>;
    errors: Array<{ line?: number; record?: number; code: string; message: string }>;
  };
  watermarkSeq: number | null;
  error: null | { code: string; message: string };
}

/** An erasure of the user's data (§10). */
export interface Erasure {
  erasureId: string;
  status: 'running' | 'completed';
  startedAt: string;
  finishedAt: string | null;
  deleted?: { samples: number; summaries: number; requests: number; imports: number };
}
