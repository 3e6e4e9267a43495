// One attempt of a delivery, apart from its transport: the signed request (Standard Webhooks
// headers over the recorded body, the previous secret too while a rotation's overlap lasts) and
// what its result means for the delivery, its lane and its endpoint (domain/webhook-retry.ts).
import { webhookBody } from '../domain/webhooks/events.ts';
import { isDelivered, nextDeliveryAttempt, shouldDisableEndpoint } from '../domain/webhooks/retry.ts';
import { secretKey, signatureHeader } from '../domain/webhooks/signature.ts';
import type { AttemptOutcome, ClaimedLane } from './queries.ts';
import type { SecretBox } from './secret-box.ts';
import type { SendResult } from './sender.ts';

export type DeliveryObservation =
  | { kind: 'attempt'; result: 'success' | 'http_error' | 'redirect' | 'timeout' | 'refused' | 'network_error' }
  | { kind: 'finished'; outcome: 'delivered' | 'failed' }
  | { kind: 'endpoint_disabled' };

/** The request for a claimed lane's head, signed at `attemptedAtMs`; an error when its secret does not open. */
export function signedRequest(
  lane: ClaimedLane,
  secrets: SecretBox,
  attemptedAtMs: number,
): { headers: Record<string, string>; body: string } | { error: string } {
  let keys: Uint8Array[];
  try {
    const keyOf = (sealed: Uint8Array) => {
      const key = secretKey(secrets.open(lane.endpoint_id, sealed));
      if (!key) throw new Error('not a webhook secret');
      return key;
    };
    keys = [keyOf(lane.secret_sealed)];
    if (lane.previous_secret_sealed && lane.previous_secret_until && lane.previous_secret_until.getTime() > attemptedAtMs) {
      keys.push(keyOf(lane.previous_secret_sealed));
    }
  } catch {
    return { error: 'the endpoint secret cannot be opened (was WEBHOOK_SECRET_KEY changed?)' };
  }
  const body = webhookBody(lane.event_type!, lane.event_at!, lane.data);
  const timestamp = Math.floor(attemptedAtMs / 1000);
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'user-agent': 'health-ingest-webhooks',
      'webhook-id': lane.message_id!,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signatureHeader(keys, lane.message_id!, timestamp, body),
    },
  };
}

/** What an attempt's result does: delivered, retried after the schedule's delay, or given up. */
export function outcomeOf(
  lane: ClaimedLane,
  result: SendResult,
  attemptedAtMs: number,
  schedule: readonly number[],
  disableAfterMs: number,
): AttemptOutcome {
  const delivered = isDelivered(result.statusCode) && result.error === null;
  const retry = delivered ? null : nextDeliveryAttempt(lane.attempts!, schedule);
  const failingSinceMs = lane.failing_since?.getTime() ?? attemptedAtMs;
  return {
    deliveryId: lane.delivery_id!,
    attempts: lane.attempts!,
    attemptedAt: new Date(attemptedAtMs),
    durationMs: result.durationMs,
    statusCode: result.statusCode,
    error: result.error,
    outcome: delivered ? 'delivered' : retry!.giveUp ? 'failed' : 'pending',
    nextAttemptAt: retry && !retry.giveUp ? new Date(attemptedAtMs + result.durationMs + retry.retryInMs) : null,
    disableEndpoint: !delivered && shouldDisableEndpoint(failingSinceMs, attemptedAtMs, disableAfterMs),
  };
}

export function attemptResult(result: SendResult, delivered: boolean): Extract<DeliveryObservation, { kind: 'attempt' }>['result'] {
  if (delivered) return 'success';
  if (result.statusCode !== null) return result.statusCode >= 300 && result.statusCode < 400 ? 'redirect' : 'http_error';
  if (result.error?.startsWith('timed out')) return 'timeout';
  if (result.error?.startsWith('refused')) return 'refused';
  return 'network_error';
}
