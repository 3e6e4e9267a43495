// Typed wrappers over sql/queries/webhooks/*.sql.
import { run, type Queryable, type Sql } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';

const INSERT_ENDPOINT = statement('webhooks/insert_endpoint');
const LIST_ENDPOINTS = statement('webhooks/list_endpoints');
const GET_ENDPOINT = statement('webhooks/get_endpoint');
const UPDATE_ENDPOINT = statement('webhooks/update_endpoint');
const DELETE_ENDPOINT = statement('webhooks/delete_endpoint');
const ROTATE_SECRET = statement('webhooks/rotate_secret');
const RECORD_DELIVERIES = statement('webhooks/record_deliveries');
const CLAIM_LANES = statement('webhooks/claim_lanes');
const LOCK_LANE = statement('webhooks/lock_lane');
const RELEASE_LANE = statement('webhooks/release_lane');
const LOCK_FINISHED_LANES = statement('webhooks/lock_finished_lanes');
const FINISH_ATTEMPTS = statement('webhooks/finish_attempts');
const PARK_ENDPOINT_LANES = statement('webhooks/park_endpoint_lanes');
const LOCK_ENDPOINT_LANES = statement('webhooks/lock_endpoint_lanes');
const WAKE_ENDPOINT_LANES = statement('webhooks/wake_endpoint_lanes');
const REPLAY_DELIVERIES = statement('webhooks/replay_deliveries');
const LIST_DELIVERIES = statement('webhooks/list_deliveries');
const INSERT_TEST_DELIVERY = statement('webhooks/insert_test_delivery');
const FORGET_USER_DELIVERIES = statement('webhooks/forget_user_deliveries');
const UNDELIVERED_BY_ENDPOINT = statement('webhooks/undelivered_by_endpoint');
const DELETE_FINISHED_DELIVERIES = statement('webhooks/delete_finished_deliveries');
const NOTIFY_WORKERS = statement('webhooks/notify_workers');

/** The channel the delivery workers listen on (wake_workers, notify_workers, insert_test_delivery). */
export const WEBHOOKS_CHANNEL = 'health_webhooks';
/** The lane of messages that belong to no user (test messages). */
export const NO_USER = '00000000-0000-0000-0000-000000000000';

export interface EndpointRow {
  id: string;
  url: string;
  description: string;
  event_types: string[];
  disabled: boolean;
  disabled_reason: 'manual' | 'failing' | null;
  disabled_at: Date | null;
  failing_since: Date | null;
  previous_secret_until: Date | null;
  created_at: Date;
  updated_at: Date;
}

export async function insertEndpoint(
  db: Queryable,
  endpoint: { id: string; url: string; description: string; eventTypes: readonly string[]; secretSealed: Uint8Array },
): Promise<EndpointRow> {
  const [row] = await run<EndpointRow>(db, INSERT_ENDPOINT, [endpoint.id, endpoint.url, endpoint.description, endpoint.eventTypes, endpoint.secretSealed]);
  return row!;
}

export const listEndpoints = (db: Queryable) => run<EndpointRow>(db, LIST_ENDPOINTS);

export async function getEndpoint(db: Queryable, id: string): Promise<EndpointRow | null> {
  return (await run<EndpointRow>(db, GET_ENDPOINT, [id]))[0] ?? null;
}

export interface EndpointChange {
  url?: string;
  description?: string;
  eventTypes?: readonly string[];
  disabled?: boolean;
}

export async function updateEndpoint(db: Queryable, id: string, change: EndpointChange): Promise<(EndpointRow & { was_disabled: boolean }) | null> {
  const rows = await run<EndpointRow & { was_disabled: boolean }>(db, UPDATE_ENDPOINT, [
    id,
    change.url ?? null,
    change.description ?? null,
    change.eventTypes ?? null,
    change.disabled ?? null,
  ]);
  return rows[0] ?? null;
}

export async function deleteEndpoint(db: Queryable, id: string): Promise<boolean> {
  return (await run(db, DELETE_ENDPOINT, [id])).length > 0;
}

export async function rotateSecret(db: Queryable, id: string, secretSealed: Uint8Array, previousUntil: Date): Promise<EndpointRow | null> {
  return (await run<EndpointRow>(db, ROTATE_SECRET, [id, secretSealed, previousUntil]))[0] ?? null;
}

export interface EventToRecord {
  eventId: number;
  seq: number;
  type: string;
  messageId: string;
  data: unknown;
}

/** Deliveries for these events of one user to every subscribed, enabled endpoint (see the SQL). */
export async function recordDeliveries(db: Queryable, userId: string, events: readonly EventToRecord[]): Promise<number> {
  const [row] = await run<{ recorded: number }>(db, RECORD_DELIVERIES, [userId, events]);
  return row!.recorded;
}

export interface ClaimedLane {
  endpoint_id: string;
  user_id: string;
  /** the lane's version when claimed (finish_attempts.sql) */
  version: string;
  delivery_id: string | null;
  message_id: string | null;
  event_type: string | null;
  event_at: Date | null;
  data: unknown;
  attempts: number | null;
  url: string;
  secret_sealed: Uint8Array;
  previous_secret_sealed: Uint8Array | null;
  previous_secret_until: Date | null;
  failing_since: Date | null;
  claimed_at: Date;
}

export interface LaneClaim {
  limit: number;
  leaseMs: number;
  /** null: the database clock */
  now: Date | null;
  fullEndpoints: readonly string[];
  perEndpoint: number;
  partial: readonly { endpointId: string; spare: number }[];
}

export function claimLanes(db: Queryable, claim: LaneClaim): Promise<ClaimedLane[]> {
  return run<ClaimedLane>(db, CLAIM_LANES, [
    claim.limit,
    claim.leaseMs,
    claim.now,
    claim.fullEndpoints,
    claim.perEndpoint,
    claim.partial.map((p) => p.endpointId),
    claim.partial.map((p) => p.spare),
  ]);
}

export const lockLane = (db: Queryable, endpointId: string, userId: string) => run(db, LOCK_LANE, [endpointId, userId]);
export const releaseLane = (db: Queryable, endpointId: string, userId: string) => run(db, RELEASE_LANE, [endpointId, userId]);

export interface AttemptOutcome {
  deliveryId: string;
  attempts: number;
  attemptedAt: Date;
  durationMs: number;
  statusCode: number | null;
  error: string | null;
  outcome: 'delivered' | 'pending' | 'failed';
  nextAttemptAt: Date | null;
  disableEndpoint: boolean;
}

export interface FinishedAttempt extends AttemptOutcome {
  endpointId: string;
  userId: string;
  /** the lane's version when claimed */
  laneVersion: string;
}

export interface FinishedRow {
  delivery_id: string;
  moved: boolean;
  lane_ready: boolean;
  endpoint_disabled: boolean;
}

/**
 * Records a batch of attempts (at most one per lane) and releases their lanes, re-timed, in one
 * transaction: the lanes locked in key order, then one statement (see finish_attempts.sql).
 */
export async function finishAttempts(db: Sql, attempts: readonly FinishedAttempt[]): Promise<FinishedRow[]> {
  const rows = attempts.map((a) => ({
    deliveryId: a.deliveryId,
    attempts: a.attempts,
    attemptedAt: a.attemptedAt.toISOString(),
    durationMs: Math.round(a.durationMs),
    statusCode: a.statusCode,
    error: a.error,
    outcome: a.outcome,
    nextAttemptAt: a.nextAttemptAt?.toISOString() ?? null,
    disableEndpoint: a.disableEndpoint,
    laneVersion: a.laneVersion,
    endpointId: a.endpointId,
    userId: a.userId,
  }));
  return db.begin(async (tx) => {
    const [, finished] = await Promise.all([
      run(tx, LOCK_FINISHED_LANES, [attempts.map((a) => a.endpointId), attempts.map((a) => a.userId)]),
      run<FinishedRow>(tx, FINISH_ATTEMPTS, [rows]),
    ]);
    return finished;
  });
}

export const parkEndpointLanes = (db: Queryable, endpointId: string) => run(db, PARK_ENDPOINT_LANES, [endpointId]);
export const lockEndpointLanes = (db: Queryable, endpointId: string, userIds: readonly string[] | null) =>
  run(db, LOCK_ENDPOINT_LANES, [endpointId, userIds]);
export const wakeEndpointLanes = (db: Queryable, endpointId: string, userIds: readonly string[] | null) =>
  run(db, WAKE_ENDPOINT_LANES, [endpointId, userIds]);

export const notifyWorkers = (db: Queryable) => run(db, NOTIFY_WORKERS);

export async function replayDeliveries(db: Queryable, endpointId: string, since: Date): Promise<{ userId: string; replayed: number }[]> {
  const rows = await run<{ user_id: string; replayed: number }>(db, REPLAY_DELIVERIES, [endpointId, since]);
  return rows.map((row) => ({ userId: row.user_id, replayed: row.replayed }));
}

export interface DeliveryRow {
  id: string;
  event_id: string | null;
  message_id: string;
  user_id: string;
  seq: string;
  event_type: string;
  event_at: Date;
  status: 'pending' | 'delivered' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  created_at: Date;
  attempt_log: { attemptedAt: string; durationMs: number; statusCode: number | null; error: string | null }[];
}

export function listDeliveries(
  db: Queryable,
  query: { endpointId: string; status: string | null; beforeId: string | null; limit: number; attemptsPerDelivery: number },
): Promise<DeliveryRow[]> {
  return run<DeliveryRow>(db, LIST_DELIVERIES, [query.endpointId, query.status, query.beforeId, query.limit, query.attemptsPerDelivery]);
}

export async function insertTestDelivery(db: Queryable, endpointId: string, messageId: string, data: unknown): Promise<string | null> {
  return (await run<{ id: string }>(db, INSERT_TEST_DELIVERY, [endpointId, messageId, data]))[0]?.id ?? null;
}

/** For the erasure: forgets every webhook delivery and lane of the user (see the SQL). */
export async function forgetUserDeliveries(db: Queryable, userId: string): Promise<number> {
  const [row] = await run<{ deleted: number }>(db, FORGET_USER_DELIVERIES, [userId]);
  return row!.deleted;
}

export interface EndpointBacklog {
  endpointId: string;
  disabled: boolean;
  pending: number;
  oldestAgeSeconds: number;
}

export async function undeliveredByEndpoint(db: Queryable): Promise<EndpointBacklog[]> {
  const rows = await run<{ endpoint_id: string; disabled: boolean; pending: number; oldest_age_seconds: number }>(db, UNDELIVERED_BY_ENDPOINT);
  return rows.map((row) => ({ endpointId: row.endpoint_id, disabled: row.disabled, pending: row.pending, oldestAgeSeconds: row.oldest_age_seconds }));
}

export async function deleteFinishedDeliveries(db: Queryable, retentionDays: number, chunkRows: number): Promise<number> {
  const [row] = await run<{ deleted: number }>(db, DELETE_FINISHED_DELIVERIES, [retentionDays, chunkRows]);
  return row!.deleted;
}
