// /admin/webhooks (CONTRACT §11), in the admin group: endpoints, their secrets, deliveries, replay.
//   POST   /admin/webhooks                      register → 201 with the secret (shown only here)
//   GET    /admin/webhooks                      every endpoint
//   GET    /admin/webhooks/{id}                 one
//   PATCH  /admin/webhooks/{id}                 url, events, description, disabled
//   DELETE /admin/webhooks/{id}                 with its deliveries → 204
//   POST   /admin/webhooks/{id}/rotate-secret   {"overlapSeconds"?} → the new secret; both sign meanwhile
//   GET    /admin/webhooks/{id}/deliveries      ?status=pending|delivered|failed&limit=&cursor= (newest first)
//   POST   /admin/webhooks/{id}/replay          {"since"} → 202: every event since then is sent again
//   POST   /admin/webhooks/{id}/test            → 202: a webhook.test message is queued
import { t } from 'elysia';
import { ProblemBody } from '../../domain/problem-schema.ts';
import { ProblemError, type FieldError } from '../../domain/problems.ts';
import {
  CreatedEndpointBody,
  CreateEndpointBody,
  DELIVERY_STATUSES,
  DeliveryListBody,
  EndpointBody,
  EndpointListBody,
  ReplayBody,
  ReplayedBody,
  RotatedSecretBody,
  RotateSecretBody,
  TestSentBody,
  UpdateEndpointBody,
  type DeliveryStatus,
} from '../../domain/webhooks/schema.ts';
import { MAX_DELIVERY_PAGE, type WebhookAdmin } from '../../webhooks/endpoint-admin.ts';
import { ADMIN_SECURITY, type AdminApi } from '../plugins/admin-auth.ts';
import { parseEncodedJson } from '../plugins/encoded-bodies.ts';

const tags = ['webhooks'];
const Params = t.Object({ id: t.String() });
const problems = { 400: ProblemBody, 401: ProblemBody, 404: ProblemBody };

export function adminWebhooksRoute(app: AdminApi, admin: WebhookAdmin): void {
  app
    .post(
      '/admin/webhooks',
      async ({ body, set }) => {
        set.status = 201;
        return admin.create(body);
      },
      {
        parse: parseEncodedJson,
        body: CreateEndpointBody,
        response: { 201: CreatedEndpointBody, 400: ProblemBody, 401: ProblemBody },
        detail: { summary: 'Register a webhook endpoint (its secret is shown only in this answer)', tags, security: ADMIN_SECURITY },
      },
    )
    .get('/admin/webhooks', async () => ({ items: await admin.list() }), {
      response: { 200: EndpointListBody, 401: ProblemBody },
      detail: { summary: 'Every webhook endpoint', tags, security: ADMIN_SECURITY },
    })
    .get('/admin/webhooks/:id', ({ params }) => admin.get(params.id), {
      params: Params,
      response: { 200: EndpointBody, ...problems },
      detail: { summary: 'One webhook endpoint', tags, security: ADMIN_SECURITY },
    })
    .patch('/admin/webhooks/:id', ({ params, body }) => admin.update(params.id, body), {
      params: Params,
      parse: parseEncodedJson,
      body: UpdateEndpointBody,
      response: { 200: EndpointBody, ...problems },
      detail: { summary: 'Change a webhook endpoint (disabled: false re-enables it)', tags, security: ADMIN_SECURITY },
    })
    .delete(
      '/admin/webhooks/:id',
      async ({ params, set }) => {
        await admin.remove(params.id);
        set.status = 204;
        return null;
      },
      {
        params: Params,
        response: { 204: t.Null(), ...problems },
        detail: { summary: 'Delete a webhook endpoint and its deliveries', tags, security: ADMIN_SECURITY },
      },
    )
    .post('/admin/webhooks/:id/rotate-secret', ({ params, body }) => admin.rotateSecret(params.id, body?.overlapSeconds), {
      params: Params,
      parse: parseEncodedJson,
      body: t.Optional(RotateSecretBody),
      response: { 200: RotatedSecretBody, ...problems },
      detail: {
        summary: 'Rotate the secret; the previous one keeps signing beside it for overlapSeconds (default a day)',
        tags,
        security: ADMIN_SECURITY,
      },
    })
    .get(
      '/admin/webhooks/:id/deliveries',
      ({ params, query }) => {
        const errors: FieldError[] = [];
        if (query.status !== undefined && !(DELIVERY_STATUSES as readonly string[]).includes(query.status)) {
          errors.push({ path: '/query/status', message: `must be one of ${DELIVERY_STATUSES.join(', ')}` });
        }
        const limit = query.limit === undefined ? undefined : /^\d{1,4}$/.test(query.limit) ? Number(query.limit) : 0;
        if (limit !== undefined && (limit < 1 || limit > MAX_DELIVERY_PAGE)) {
          errors.push({ path: '/query/limit', message: `must be an integer from 1 to ${MAX_DELIVERY_PAGE}` });
        }
        if (errors.length > 0) throw new ProblemError('VALIDATION_FAILED', 'invalid query', { errors });
        return admin.deliveries(params.id, {
          ...(query.status !== undefined ? { status: query.status as DeliveryStatus } : {}),
          ...(query.cursor !== undefined ? { cursor: query.cursor } : {}),
          ...(limit !== undefined ? { limit } : {}),
        });
      },
      {
        params: Params,
        query: t.Object({ status: t.Optional(t.String()), limit: t.Optional(t.String()), cursor: t.Optional(t.String()) }),
        response: { 200: DeliveryListBody, ...problems },
        detail: { summary: "An endpoint's deliveries, newest first, each with its latest attempts", tags, security: ADMIN_SECURITY },
      },
    )
    .post(
      '/admin/webhooks/:id/replay',
      async ({ params, body, set }) => {
        const since = new Date(body.since);
        if (Number.isNaN(since.getTime())) {
          throw new ProblemError('VALIDATION_FAILED', 'invalid replay request', { errors: [{ path: '/body/since', message: 'must be an RFC 3339 date-time' }] });
        }
        set.status = 202;
        return { replayed: await admin.replay(params.id, since) };
      },
      {
        params: Params,
        parse: parseEncodedJson,
        body: ReplayBody,
        response: { 202: ReplayedBody, ...problems },
        detail: { summary: 'Send every event since a time again (same webhook-id)', tags, security: ADMIN_SECURITY },
      },
    )
    .post(
      '/admin/webhooks/:id/test',
      async ({ params, set }) => {
        set.status = 202;
        return { messageId: await admin.sendTest(params.id) };
      },
      {
        params: Params,
        response: { 202: TestSentBody, ...problems },
        detail: { summary: 'Queue a webhook.test message to this endpoint', tags, security: ADMIN_SECURITY },
      },
    );
}
