// Helpers of the import tests: post a file to POST /imports/{format}, poll the import until it
// is final, and count what the database holds of a user.
import { until } from './poll.ts';
import { TEST_REDIS_URL, type TestService } from './service.ts';

export interface ImportAnswer {
  status: number;
  headers: Headers;
  body: any;
}

export async function postImport(
  service: TestService,
  token: string,
  format: string,
  file: Uint8Array | string,
  options: { contentType?: string; idempotencyKey?: string; timeZone?: string; headers?: Record<string, string> } = {},
): Promise<ImportAnswer> {
  const query = options.timeZone ? `?timeZone=${encodeURIComponent(options.timeZone)}` : '';
  const response = await fetch(`${service.baseUrl}/api/v1/health/imports/${format}${query}`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': options.contentType ?? (format === 'csv' ? 'text/csv' : 'application/zip'),
      ...(options.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : {}),
      ...options.headers,
    },
    body: file,
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text) };
}

export async function getImport(service: TestService, token: string, importId: string): Promise<any> {
  const response = await fetch(`${service.baseUrl}/api/v1/health/imports/${importId}`, { headers: { authorization: `Bearer ${token}` } });
  if (response.status !== 200) throw new Error(`GET import answered ${response.status}: ${await response.text()}`);
  return response.json();
}

const FINAL = new Set(['completed', 'failed', 'cancelled']);

export function importFinished(service: TestService, token: string, importId: string, timeoutMs = 60_000): Promise<any> {
  return until(() => getImport(service, token, importId), (state) => FINAL.has(state.status), timeoutMs, `import ${importId} finished`);
}

/** Posts a file and waits for its import to end; the final state. */
export async function importAndWait(
  service: TestService,
  token: string,
  format: string,
  file: Uint8Array | string,
  options: Parameters<typeof postImport>[4] = {},
): Promise<any> {
  const posted = await postImport(service, token, format, file, options);
  if (posted.status !== 202) throw new Error(`POST import answered ${posted.status}: ${JSON.stringify(posted.body)}`);
  return importFinished(service, token, posted.body.importId);
}

export async function liveSampleCount(service: TestService, userId: string): Promise<number> {
  const [row] = await service.db.sql.unsafe('SELECT count(*)::int AS n FROM health_samples WHERE user_id = $1 AND deleted_at IS NULL', [userId]);
  return (row as unknown as { n: number }).n;
}

export async function outboxEventsOf(service: TestService, userId: string): Promise<{ event_type: string; seq: string }[]> {
  return (await service.db.sql.unsafe('SELECT event_type, seq FROM outbox_events WHERE user_id = $1 ORDER BY seq', [userId])) as never;
}

/** `bun run cli import …` against the service's database; its exit code, stdout (the final import as JSON) and stderr. */
export async function cliImport(service: TestService, args: string[], env: Record<string, string> = {}) {
  const child = Bun.spawn(['bun', 'run', 'src/cli.ts', 'import', ...args], {
    cwd: `${import.meta.dir}/../..`,
    env: { ...process.env, DATABASE_URL: service.db.url, REDIS_URL: TEST_REDIS_URL, LOG_LEVEL: 'silent', ...env },
    stdout: 'pipe',
    stderr: 'pipe',
  });
  const [stdout, stderr, code] = await Promise.all([new Response(child.stdout).text(), new Response(child.stderr).text(), child.exited]);
  return { code, stdout, stderr };
}

export interface StoredSampleRow {
  source_id: string;
  source_record_id: string;
  metric_code: string;
  start_at: Date;
  value: number | null;
  unit: string | null;
  category_code: string | null;
  timezone_offset_minutes: number;
  timezone_source: string;
}

/** Every live sample of a user, as stored, in a fixed order. */
export async function storedSamples(service: TestService, userId: string): Promise<StoredSampleRow[]> {
  return (await service.db.sql.unsafe(
    `SELECT source_id, source_record_id, metric_code, start_at, value, unit, category_code, timezone_offset_minutes, timezone_source
     FROM health_samples WHERE user_id = $1 AND deleted_at IS NULL ORDER BY source_record_id, source_id, start_at, metric_code`,
    [userId],
  )) as never;
}

/**
 * The import tests poll an import's state every 20 ms (test/support/poll.ts), far past the
 * per-user rate limit a real client polling once a second never nears: it is off in their services.
 */
export const POLLING_ENV = { USER_RATE_LIMIT_PER_MINUTE: '0' } as const;
