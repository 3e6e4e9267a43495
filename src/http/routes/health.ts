// Liveness and readiness (CONTRACT §8). /readyz runs every check and answers 503 when one fails.
// Checks run in parallel, each bounded (READINESS_CHECK_TIMEOUT_MS), so an unreachable dependency
// turns /readyz 503 within about a second instead of hanging the probe.
import { Elysia } from 'elysia';
import { bounded } from '../../bounded.ts';
import { LivenessBody, ReadinessBody } from '../../domain/read-schemas.ts';
import { jsonAnswer } from '../openapi-responses.ts';

export const READINESS_CHECK_TIMEOUT_MS = 1000;

export type ReadinessCheck = () => Promise<string>;

export function healthRoutes(checks: Record<string, ReadinessCheck>) {
  return new Elysia()
    .get('/healthz', () => ({ status: 'ok' }), { detail: { summary: 'Liveness', tags: ['operations'], security: [], responses: { 200: jsonAnswer('The process is up', LivenessBody) } } })
    .get(
      '/readyz',
      async ({ set }) => {
        const names = Object.keys(checks);
        const results = await Promise.all(
          names.map((name) =>
            bounded(checks[name]!(), READINESS_CHECK_TIMEOUT_MS, name).catch(
              (error: unknown) => (error instanceof Error ? error.message : String(error)) || 'error',
            ),
          ),
        );
        const entries = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
        const ok = results.every((result) => result === 'ok');
        set.status = ok ? 200 : 503;
        return { status: ok ? 'ok' : 'fail', checks: entries };
      },
      {
        detail: {
          summary: 'Readiness: PostgreSQL, Redis, migrations',
          tags: ['operations'],
          security: [],
          responses: { 200: jsonAnswer('Every check is ok', ReadinessBody), 503: jsonAnswer('A check failed (it says what)', ReadinessBody) },
        },
      },
    );
}
