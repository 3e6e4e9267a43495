// GET /admin/queues (CONTRACT §8): BullMQ job counts per queue, behind X-Api-Key; Redis
// unreachable → 503 QUEUE_UNAVAILABLE within about a second.
import { Elysia } from 'elysia';
import { QueueListBody, type QueueListBodyT } from '../../domain/operations-schema.ts';
import { ProblemError } from '../../domain/problems.ts';
import { adminAuthPlugin } from '../plugins/admin-auth.ts';

export function adminQueuesRoute(queueCounts: () => Promise<QueueListBodyT['queues']>, adminApiKeys: readonly string[]) {
  return new Elysia().use(adminAuthPlugin(adminApiKeys)).get(
    '/admin/queues',
    async (): Promise<QueueListBodyT> => {
      try {
        return { queues: await queueCounts() };
      } catch (error) {
        throw new ProblemError('QUEUE_UNAVAILABLE', `cannot read the queue: ${(error as Error).message}`, { retryAfterMs: 5000 }, {
          'retry-after': '5',
        });
      }
    },
    {
      response: { 200: QueueListBody },
      detail: { summary: 'Job counts per queue', tags: ['admin'], security: [{ adminApiKey: [] }] },
    },
  );
}
