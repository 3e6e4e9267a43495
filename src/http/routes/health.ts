// Liveness and readiness (CONTRACT §8). /readyz runs every check and answers 503 when one fails.
import { Elysia } from 'elysia';

export type ReadinessCheck = () => Promise<string>;

export function healthRoutes(checks: Record<string, ReadinessCheck>) {
  return new Elysia()
    .get('/healthz', () => ({ status: 'ok' }), { detail: { summary: 'Liveness', tags: ['operations'] } })
    .get(
      '/readyz',
      async ({ set }) => {
        const names = Object.keys(checks);
        const results = await Promise.all(
          names.map((name) =>
            checks[name]!().catch((error: unknown) => (error instanceof Error ? error.message : String(error)) || 'error'),
          ),
        );
        const entries = Object.fromEntries(names.map((name, i) => [name, results[i]!]));
        const ok = results.every((result) => result === 'ok');
        set.status = ok ? 200 : 503;
        return { status: ok ? 'ok' : 'fail', checks: entries };
      },
      { detail: { summary: 'Readiness: PostgreSQL, Redis, migrations', tags: ['operations'] } },
    );
}
