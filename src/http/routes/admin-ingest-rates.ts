// GET /admin/ingest/rates (CONTRACT §13), in the admin group: the last 15 minutes of what every
// API replica answered — samples accepted, samples failed by code, uploads shed, requests
// rate-limited — as counts per 5 s bucket, read from Redis where every replica adds its own
// (src/ingest-rates.ts). Redis unreachable → 503 QUEUE_UNAVAILABLE (it is the queue's Redis).
import { IngestRatesBody, type IngestRatesBodyT } from '../../domain/operations/console-schema.ts';
import { retryLater } from '../../domain/problems.ts';
import { QUEUE_RETRY_AFTER_SECONDS } from '../../limits.ts';
import { ADMIN_SECURITY, type AdminApi } from '../plugins/admin-auth.ts';

export function adminIngestRatesRoute(app: AdminApi, readRates: () => Promise<IngestRatesBodyT>): void {
  app.get(
    '/admin/ingest/rates',
    async ({ set }) => {
      set.headers['cache-control'] = 'no-store';
      try {
        return await readRates();
      } catch (error) {
        throw retryLater('QUEUE_UNAVAILABLE', `cannot read the ingest rates from Redis: ${(error as Error).message}`, QUEUE_RETRY_AFTER_SECONDS);
      }
    },
    {
      response: { 200: IngestRatesBody },
      detail: { summary: 'Ingest rates of every API replica over the last 15 minutes (counts per bucket)', tags: ['admin'], security: ADMIN_SECURITY },
    },
  );
}
