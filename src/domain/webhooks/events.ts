// The events a webhook endpoint can subscribe to (CONTRACT §11), and the `data` each one carries.
//
// Every one is an outbox event first: written in the transaction that makes the change, with the
// user's next watermark seq (one event per seq, seqs 1, 2, 3, … per user: the webhook sink and
// the projections count on it), then turned into one delivery per subscribed endpoint by the
// webhook sink. The import and erasure pipelines emit the last two with the payload builders
// below; the sink sends their payload as the webhook's `data` unchanged.
// - health.samples.changed: written by the ingest core (change-event.ts); the webhook carries
//   only {userId, metricCodes, affectedLocalDates, minRequiredSeq} of its payload.
// - health.import.completed: written by the import pipeline in the transaction that ends an
//   import (completed, failed or cancelled).
// - health.user.erased: written by the erasure once the user's data is gone, in the transaction
//   that also forgets the user's webhook deliveries (webhooks/queries.ts forgetUserDeliveries:
//   their undelivered changes would otherwise arrive after the erasure and out of order, and
//   they name the user's metrics and dates). It is seq 1 of the user's new series (the erasure
//   deleted the watermark and the checkpoints), so it reaches every endpoint before anything newer.
import { SAMPLES_CHANGED } from '../ingest/change-event.ts';

export { SAMPLES_CHANGED };
export const IMPORT_COMPLETED = 'health.import.completed';
export const USER_ERASED = 'health.user.erased';
/** sent only by POST /admin/webhooks/{id}/test; needs no subscription */
export const WEBHOOK_TEST = 'webhook.test';

/** What an endpoint may subscribe to, in the order documentation lists them. */
export const WEBHOOK_EVENT_TYPES = [SAMPLES_CHANGED, IMPORT_COMPLETED, USER_ERASED] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const isWebhookEventType = (type: string): type is WebhookEventType =>
  (WEBHOOK_EVENT_TYPES as readonly string[]).includes(type);

export type ImportOutcome = 'completed' | 'failed' | 'cancelled';

export interface ImportCompletedPayload {
  userId: string;
  importId: string;
  /** the format's registry name: 'apple-health', 'csv', … */
  format: string;
  status: ImportOutcome;
  counts: { recordsRead: number; accepted: number; unchanged: number; failed: number };
  /** the user's watermark after the import's last write (null when it changed nothing) */
  watermarkSeq: number | null;
  /** set when status is 'failed' */
  error: { code: string; message: string } | null;
}

export function buildImportCompletedPayload(input: ImportCompletedPayload): ImportCompletedPayload {
  return {
    userId: input.userId,
    importId: input.importId,
    format: input.format,
    status: input.status,
    counts: {
      recordsRead: input.counts.recordsRead,
      accepted: input.counts.accepted,
      unchanged: input.counts.unchanged,
      failed: input.counts.failed,
    },
    watermarkSeq: input.watermarkSeq,
    error: input.error,
  };
}

export interface UserErasedPayload {
  userId: string;
  erasureId: string;
}

export function buildUserErasedPayload(input: UserErasedPayload): UserErasedPayload {
  return { userId: input.userId, erasureId: input.erasureId };
}

/** The webhook `data` of a health.samples.changed event (its payload has more, for projections). */
export interface SamplesChangedData {
  userId: string;
  metricCodes: string[];
  affectedLocalDates: string[];
  minRequiredSeq: number;
}

/**
 * The `data` member of the webhook body for an outbox event's payload. Only health.samples.changed
 * is trimmed (its payload also holds the request id and per-metric dates that are the projections'
 * business); the others are sent as written.
 */
export function webhookDataOf(eventType: string, payload: unknown): unknown {
  if (eventType !== SAMPLES_CHANGED) return payload;
  const p = payload as SamplesChangedData;
  const data: SamplesChangedData = {
    userId: p.userId,
    metricCodes: p.metricCodes,
    affectedLocalDates: p.affectedLocalDates,
    minRequiredSeq: p.minRequiredSeq,
  };
  return data;
}

/** The body of a webhook request, exactly as sent (CONTRACT §11): {"type", "timestamp", "data"}. */
export function webhookBody(eventType: string, eventAt: Date, data: unknown): string {
  return JSON.stringify({ type: eventType, timestamp: eventAt.toISOString(), data });
}

/** webhook-id of the delivery of an outbox event: the same for every endpoint, retry and replay. */
export const messageIdOfEvent = (eventId: number) => `msg_${eventId}`;
