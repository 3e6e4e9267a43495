// The webhook admin use cases behind /admin/webhooks (CONTRACT §11): register (secret generated,
// shown once, sealed at rest), list, read, change, delete, rotate the secret, list deliveries with
// their attempts, replay since a time, send a test message. URLs are checked twice before they
// are stored: their shape (domain/webhook-schema.ts) and every address their host resolves to
// (address-guard.ts); the sender checks again at every send.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Sql } from '../db/client.ts';
import { ProblemError } from '../domain/problems.ts';
import { WEBHOOK_TEST } from '../domain/webhooks/events.ts';
import {
  DEFAULT_ROTATION_OVERLAP_SECONDS,
  webhookUrlErrors,
  type CreatedEndpointBodyT,
  type CreateEndpointBodyT,
  type DeliveryListBodyT,
  type DeliveryStatus,
  type EndpointBodyT,
  type UpdateEndpointBodyT,
} from '../domain/webhooks/schema.ts';
import { formatSecret, SECRET_BYTES } from '../domain/webhooks/signature.ts';
import type { AddressGuard } from './address-guard.ts';
import {
  deleteEndpoint,
  getEndpoint,
  insertEndpoint,
  insertTestDelivery,
  listDeliveries,
  listEndpoints,
  lockEndpointLanes,
  NO_USER,
  notifyWorkers,
  parkEndpointLanes,
  replayDeliveries,
  rotateSecret,
  updateEndpoint,
  wakeEndpointLanes,
  type DeliveryRow,
  type EndpointRow,
} from './queries.ts';
import type { SecretBox } from './secret-box.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ATTEMPTS_PER_DELIVERY = 10;
export const DEFAULT_DELIVERY_PAGE = 50;
export const MAX_DELIVERY_PAGE = 500;

export interface WebhookAdmin {
  create(body: CreateEndpointBodyT): Promise<CreatedEndpointBodyT>;
  list(): Promise<EndpointBodyT[]>;
  get(id: string): Promise<EndpointBodyT>;
  update(id: string, body: UpdateEndpointBodyT): Promise<EndpointBodyT>;
  remove(id: string): Promise<void>;
  rotateSecret(id: string, overlapSeconds?: number): Promise<{ id: string; secret: string; previousSecretValidUntil: string }>;
  deliveries(id: string, query: { status?: DeliveryStatus; cursor?: string; limit?: number }): Promise<DeliveryListBodyT>;
  replay(id: string, since: Date): Promise<number>;
  sendTest(id: string): Promise<string>;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function endpointBody(row: EndpointRow): EndpointBodyT {
  return {
    id: row.id,
    url: row.url,
    events: row.event_types,
    description: row.description,
    disabled: row.disabled,
    disabledReason: row.disabled_reason,
    disabledAt: iso(row.disabled_at),
    failingSince: iso(row.failing_since),
    previousSecretValidUntil: row.previous_secret_until && row.previous_secret_until.getTime() > Date.now() ? row.previous_secret_until.toISOString() : null,
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
  };
}

function deliveryBody(row: DeliveryRow): DeliveryListBodyT['items'][number] {
  return {
    id: row.id,
    eventId: row.event_id,
    messageId: row.message_id,
    eventType: row.event_type,
    userId: row.user_id === NO_USER ? null : row.user_id,
    seq: Number(row.seq),
    eventAt: row.event_at.toISOString(),
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
    deliveredAt: iso(row.delivered_at),
    createdAt: row.created_at.toISOString(),
    attemptLog: row.attempt_log.map((a) => ({
      attemptedAt: new Date(a.attemptedAt).toISOString(),
      durationMs: a.durationMs,
      statusCode: a.statusCode,
      error: a.error,
    })),
  };
}

const notFound = () => new ProblemError('NOT_FOUND', 'no webhook endpoint with this id');

export function createWebhookAdmin(deps: { db: Sql; secrets: SecretBox; guard: AddressGuard }): WebhookAdmin {
  const { db, secrets, guard } = deps;

  async function checkUrl(url: string, path = '/body/url'): Promise<void> {
    const errors = webhookUrlErrors(url, path);
    if (errors.length === 0) {
      const refused = await guard.refusal(new URL(url));
      if (refused) errors.push({ path, message: `refused: ${refused}; set WEBHOOK_ALLOW_PRIVATE=true to allow such addresses` });
    }
    if (errors.length > 0) throw new ProblemError('VALIDATION_FAILED', 'invalid webhook URL', { errors });
  }

  const knownId = (id: string) => {
    if (!UUID.test(id)) throw notFound();
    return id.toLowerCase();
  };

  /** Re-times lanes from their heads at once, under their locks (enabling, replaying). */
  const wakeLanes = (endpointId: string, userIds: string[] | null) =>
    db.begin(async (tx) => {
      await lockEndpointLanes(tx, endpointId, userIds);
      await wakeEndpointLanes(tx, endpointId, userIds);
      await notifyWorkers(tx);
    });

  return {
    async create(body) {
      await checkUrl(body.url);
      const id = randomUUID();
      const secret = formatSecret(randomBytes(SECRET_BYTES));
      const row = await insertEndpoint(db, {
        id,
        url: body.url,
        description: body.description ?? '',
        eventTypes: [...new Set(body.events)],
        secretSealed: secrets.seal(id, secret),
      });
      return { ...endpointBody(row), secret };
    },
    async list() {
      return (await listEndpoints(db)).map(endpointBody);
    },
    async get(id) {
      const row = await getEndpoint(db, knownId(id));
      if (!row) throw notFound();
      return endpointBody(row);
    },
    async update(id, body) {
      const endpointId = knownId(id);
      if (body.url !== undefined) await checkUrl(body.url);
      const row = await updateEndpoint(db, endpointId, {
        ...(body.url !== undefined ? { url: body.url } : {}),
        ...(body.description !== undefined ? { description: body.description } : {}),
        ...(body.events !== undefined ? { eventTypes: [...new Set(body.events)] } : {}),
        ...(body.disabled !== undefined ? { disabled: body.disabled } : {}),
      });
      if (!row) throw notFound();
      if (body.disabled === true && !row.was_disabled) await parkEndpointLanes(db, endpointId);
      if (body.disabled === false) await wakeLanes(endpointId, null);
      return endpointBody(row);
    },
    async remove(id) {
      if (!(await deleteEndpoint(db, knownId(id)))) throw notFound();
    },
    async rotateSecret(id, overlapSeconds = DEFAULT_ROTATION_OVERLAP_SECONDS) {
      const endpointId = knownId(id);
      const secret = formatSecret(randomBytes(SECRET_BYTES));
      const until = new Date(Date.now() + overlapSeconds * 1000);
      const row = await rotateSecret(db, endpointId, secrets.seal(endpointId, secret), until);
      if (!row) throw notFound();
      return { id: endpointId, secret, previousSecretValidUntil: until.toISOString() };
    },
    async deliveries(id, query) {
      const endpointId = knownId(id);
      const limit = query.limit ?? DEFAULT_DELIVERY_PAGE;
      if (query.cursor !== undefined && !/^\d{1,18}$/.test(query.cursor)) {
        throw new ProblemError('VALIDATION_FAILED', 'invalid query', { errors: [{ path: '/query/cursor', message: 'not a cursor this service wrote' }] });
      }
      const [endpoint, rows] = await Promise.all([
        getEndpoint(db, endpointId),
        listDeliveries(db, { endpointId, status: query.status ?? null, beforeId: query.cursor ?? null, limit: limit + 1, attemptsPerDelivery: ATTEMPTS_PER_DELIVERY }),
      ]);
      if (!endpoint) throw notFound();
      const page = rows.slice(0, limit);
      return { items: page.map(deliveryBody), nextCursor: rows.length > limit ? page.at(-1)!.id : null };
    },
    async replay(id, since) {
      const endpointId = knownId(id);
      if (!(await getEndpoint(db, endpointId))) throw notFound();
      const lanes = await replayDeliveries(db, endpointId, since);
      if (lanes.length > 0) await wakeLanes(endpointId, lanes.map((lane) => lane.userId));
      return lanes.reduce((sum, lane) => sum + lane.replayed, 0);
    },
    async sendTest(id) {
      const endpointId = knownId(id);
      const messageId = `msg_test_${randomUUID().replaceAll('-', '')}`;
      const inserted = await insertTestDelivery(db, endpointId, messageId, { endpointId, message: 'a test message from health-ingest' });
      if (!inserted) throw notFound();
      return messageId;
    },
  };
}
