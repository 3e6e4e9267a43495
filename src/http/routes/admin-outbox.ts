// The outbox for operators, in the admin group (X-Api-Key):
//   GET  /admin/outbox                        backlog (pending events), lag and dead letters (the console)
//   GET  /admin/outbox/dead?afterId=&limit=   a page of dead events, oldest first
//   POST /admin/outbox/dead/replay            {"ids": [..]} those, or no body / {} every dead event:
//                                             back to pending with fresh attempts, processors woken
import { t } from 'elysia';
import { DeadEventPageBody, OutboxSummaryBody, ReplayedDeadEventsBody, type OutboxSummaryBodyT } from '../../domain/operations/console-schema.ts';
import { parseDeadLetterQuery } from '../../domain/operations/dead-letter-query.ts';
import { parseJsonBody } from '../../domain/json-body.ts';
import { ProblemError } from '../../domain/problems.ts';
import { ProblemBody } from '../../domain/problem-schema.ts';
import type { DeadLetters } from '../../outbox/dead-letters.ts';
import { ADMIN_SECURITY, type AdminApi } from '../plugins/admin-auth.ts';
import { readBodyText } from '../plugins/json-body.ts';
import { checkedQuery } from '../query.ts';
import { queryParameter } from '../openapi-responses.ts';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../domain/query-params.ts';

const MAX_REPLAY_IDS = 1000;
const MAX_REPLAY_BODY_BYTES = 64 * 1024;

const ReplayDeadEventsRequest = t.Object({ ids: t.Optional(t.Array(t.Integer({ minimum: 1 }), { maxItems: MAX_REPLAY_IDS })) });

export function adminOutboxRoute(app: AdminApi, deadLetters: DeadLetters, outboxSummary: () => Promise<OutboxSummaryBodyT>): void {
  app
    .get('/admin/outbox', () => outboxSummary(), {
      response: { 200: OutboxSummaryBody },
      detail: { summary: 'Outbox backlog, lag and dead letters', tags: ['admin'], security: ADMIN_SECURITY },
    })
    .get('/admin/outbox/dead', ({ query }) => deadLetters.list(checkedQuery(parseDeadLetterQuery(query))), {
      response: { 200: DeadEventPageBody, 400: ProblemBody },
      detail: {
        summary: 'Outbox events that exhausted their attempts (dead letters)',
        tags: ['admin'],
        security: ADMIN_SECURITY,
        // parsed by hand (parseDeadLetterQuery); an Elysia query schema would replace these
        parameters: [
          queryParameter('afterId', 'The last id of the previous page (0: the first page)', { type: 'integer', minimum: 0, default: 0 }),
          queryParameter('limit', 'Events per page', { type: 'integer', minimum: 1, maximum: MAX_PAGE_SIZE, default: DEFAULT_PAGE_SIZE }),
        ],
      },
    })
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
        return { replayed: await deadLetters.replay((ids as number[] | undefined) ?? null) };
      },
      {
        parse: 'none',
        response: { 200: ReplayedDeadEventsBody },
        detail: {
          summary: 'Replay dead letters (the given ids, or all)',
          tags: ['admin'],
          security: ADMIN_SECURITY,
          // documented only: the body is read by hand (it may be empty)
          requestBody: {
            required: false,
            description: 'The ids of the dead events to replay; no body or {} replays every dead event',
            content: { 'application/json': { schema: ReplayDeadEventsRequest as object } },
          },
        },
      },
    );
}
