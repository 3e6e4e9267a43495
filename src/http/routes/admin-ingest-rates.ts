// GET /admin/ingest/rates (CONTRACT §13), behind X-Api-Key: the last 15 minutes of what every API
// replica answered — samples accepted, samples failed by code, uploads shed, requests
// rate-limited — as counts per 5 s bucket, read from Redis where every replica adds its own
// (src/ingest-rates.ts). Redis unreachable → 503 QUEUE_UNAVAILABLE (it is the queue's Redis).
import { Elysia } from 'elysia';
import { IngestRatesBody, type IngestRatesBodyT } from '../../domain/operations/console-schema.ts';
import { ProblemError } from '../../domain/problems.ts';
import { adminAuthPlugin } from '../plugins/admin-auth.ts';

export function adminIngestRatesRoute(readRates: () => Promise<IngestRatesBodyT>, adminApiKeys: readonly string[]) {
  return new Elysia().use(adminAuthPlugin(adminApiKeys)).get(
    '/admin/ingest/rates',
    async ({ set }) => {
      set.headers['cache-control'] = 'no-store';
      try {
        return await readRates();
      } catch (error) {
        throw new ProblemError('QUEUE_UNAVAILABLE', `cannot read the ingest rates from Redis: ${(error as Error).message}`, { retryAfterMs: 5000 }, {
          'retry-after': '5',
        });
      }
    },
    {
      response: { 200: IngestRatesBody },
      detail: {
        summary: 'Ingest rates of every API replica over the last 15 minutes (counts per bucket)',
        tags: ['admin'],
        security: [{ adminApiKey: [] }],
      },
    },
  );
}
