// The outbox for operators, behind X-Api-Key:
//   GET  /admin/outbox                        backlog (pending events), lag and dead letters (the console)
//   GET  /admin/outbox/dead?afterId=&limit=   a page of dead events, oldest first
//   POST /admin/outbox/dead/replay            {"ids": [..]} those, or no body / {} every dead event:
//                                             back to pending with fresh attempts, processors woken
// Replaying is safe at any time: projections recompute, so an event applied twice changes nothing.
import { Elysia, t } from 'elysia';
import type { Sql } from '../../db/client.ts';
import { DeadEventPageBody, OutboxSummaryBody, ReplayedDeadEventsBody, type OutboxSummaryBodyT } from '../../domain/operations/console-schema.ts';
import { ProblemError, type FieldError } from '../../domain/problems.ts';
import { listDeadEvents, replayDeadEvents } from '../../outbox/queries.ts';
import { adminAuthPlugin } from '../plugins/admin-auth.ts';
import { parseJsonBody, readBodyText } from '../plugins/json-body.ts';

const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;
const MAX_REPLAY_IDS = 1000;
const MAX_REPLAY_BODY_BYTES = 64 * 1024;
const ADMIN_SECURITY = [{ adminApiKey: [] as string[] }];

const positiveInteger = (text: string | undefined) => (text !== undefined && /^\d{1,15}$/.test(text) ? Number(text) : undefined);

export function adminOutboxRoute(db: Sql, outboxSummary: () => Promise<OutboxSummaryBodyT>, adminApiKeys: readonly string[]) {
  return new Elysia()
    .use(adminAuthPlugin(adminApiKeys))
    .get('/admin/outbox', () => outboxSummary(), {
      response: { 200: OutboxSummaryBody },
      detail: { summary: 'Outbox backlog, lag and dead letters', tags: ['admin'], security: ADMIN_SECURITY },
    })
    .get(
      '/admin/outbox/dead',
      async ({ query }) => {
        const errors: FieldError[] = [];
        const afterId = query.afterId === undefined ? 0 : positiveInteger(query.afterId);
        if (afterId === undefined) errors.push({ path: '/query/afterId', message: 'must be a non-negative integer' });
        const limit = query.limit === undefined ? DEFAULT_PAGE : positiveInteger(query.limit);
        if (limit === undefined || limit < 1 || limit > MAX_PAGE) {
          errors.push({ path: '/query/limit', message: `must be an integer from 1 to ${MAX_PAGE}` });
        }
        if (errors.length > 0) throw new ProblemError('VALIDATION_FAILED', 'invalid query', { errors });
        const items = await listDeadEvents(db, afterId!, limit! + 1);
        const page = items.slice(0, limit);
        return { items: page, nextAfterId: items.length > limit! ? page.at(-1)!.id : null };
      },
      {
        query: t.Object({ afterId: t.Optional(t.String()), limit: t.Optional(t.String()) }),
        response: { 200: DeadEventPageBody },
        detail: { summary: 'Outbox events that exhausted their attempts (dead letters)', tags: ['admin'], security: ADMIN_SECURITY },
      },
    )
    .post(
      '/admin/outbox/dead/replay',
      async ({ request }) => {
        const text = await readBodyText(request, MAX_REPLAY_BODY_BYTES);
        const body = text.trim() === '' ? {} : parseJsonBody(text);
        const ids = (body as { ids?: unknown } | null)?.ids;
        const valid =
          typeof body === 'object' &&
          body !== null &&
          !Array.isArray(body) &&
          (ids === undefined ||
            (Array.isArray(ids) && ids.length <= MAX_REPLAY_IDS && ids.every((id) => Number.isSafeInteger(id) && id > 0)));
        if (!valid) {
          throw new ProblemError('VALIDATION_FAILED', 'invalid replay request', {
            errors: [{ path: '/body/ids', message: `optional array of at most ${MAX_REPLAY_IDS} event ids` }],
          });
        }
        return { replayed: await replayDeadEvents(db, (ids as number[] | undefined) ?? null) };
      },
      {
        parse: 'none',
        response: { 200: ReplayedDeadEventsBody },
        detail: { summary: 'Replay dead letters (the given ids, or all)', tags: ['admin'], security: ADMIN_SECURITY },
      },
    );
}
