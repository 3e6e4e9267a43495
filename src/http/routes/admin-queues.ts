// GET /admin/queues (CONTRACT §8): BullMQ job counts per queue, in the admin group; Redis
// unreachable → 503 QUEUE_UNAVAILABLE within about a second.
import { QueueListBody, type QueueListBodyT } from '../../domain/operations/operations-schema.ts';
import { retryLater } from '../../domain/problems.ts';
import { QUEUE_RETRY_AFTER_SECONDS } from '../../limits.ts';
import { ADMIN_SECURITY, type AdminApi } from '../plugins/admin-auth.ts';

export function adminQueuesRoute(app: AdminApi, queueCounts: () => Promise<QueueListBodyT['queues']>): void {
  app.get(
    '/admin/queues',
    async (): Promise<QueueListBodyT> => {
      try {
        return { queues: await queueCounts() };
      } catch (error) {
        throw retryLater('QUEUE_UNAVAILABLE', `cannot read the queue: ${(error as Error).message}`, QUEUE_RETRY_AFTER_SECONDS);
      }
    },
    { response: { 200: QueueListBody }, detail: { summary: 'Job counts per queue', tags: ['admin'], security: ADMIN_SECURITY } },
  );
}
