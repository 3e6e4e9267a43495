// The shapes the SDK sends and receives. What a client sends is typed from the service's own
// schemas (src/domain/batch-schema.ts, type-only imports: nothing of TypeBox is loaded at run
// time); the read side follows CONTRACT §7, §9 and §10 until its routes declare response schemas.
import type { DeleteRefBodyT, PrivacySettingsBodyT, SampleBodyT } from '../domain/batch-schema.ts';
import type { DailySummary as DomainDailySummary } from '../domain/daily-summary.ts';

/** An instant as RFC 3339 text, or a Date (sent as its toISOString()). */
export type Instant = string | Date;

/** A sample as upload() takes it (§4.1). Extra fields are sent as they are (and count in the hash). */
export type SampleInput = Omit<SampleBodyT, 'startAt' | 'endAt'> & { startAt: Instant; endAt?: Instant } & Record<string, unknown>;

/** A delete ref (§4.1): the record id alone matches across sources, metrics and start times. */
export type DeleteRefInput = Omit<DeleteRefBodyT, 'startAt'> & { startAt?: Instant; metricCode?: string } & Record<string, unknown>;

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

export type DailySummary = Omit<DomainDailySummary, 'categorySeconds'> & { categorySeconds?: Record<string, number> };

export interface DailySummaries {
  items: DailySummary[];
  watermarkSeq: number;
  projectedSeq: number;
  stale: boolean;
}

export type PrivacySettings = PrivacySettingsBodyT;

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
