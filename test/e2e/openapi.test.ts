// The OpenAPI document at /docs/json (CONTRACT §8) as an integrating team uses it: redocly lint
// (recommended rules) reports nothing; every operation declares a success answer with a body
// schema and an example, and its problem answers; openapi-typescript generates types from it that
// a small client type-checks against — and a client that gets the shapes wrong does not. It lints
// whatever routes the app has, so routes added later are held to it too.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openapiTypescript, redoclyLint, typecheckFolder } from '../support/openapi-tools.ts';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService;
let folder: string;
let specFile: string;
let spec: any;

beforeAll(async () => {
  service = await startTestService({ env: { ADMIN_API_KEYS: 'openapi-test-key' } });
  folder = mkdtempSync(join(tmpdir(), 'health-ingest-openapi-'));
  specFile = join(folder, 'openapi.json');
  const response = await fetch(`${service.baseUrl}/docs/json`);
  expect(response.status).toBe(200);
  spec = await response.json();
  await Bun.write(specFile, JSON.stringify(spec, null, 2));
});
afterAll(async () => {
  await service.close();
  rmSync(folder, { recursive: true, force: true });
});

const operations = () =>
  Object.entries(spec.paths as Record<string, Record<string, any>>).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, path, operation })),
  );

test('redocly lint passes with no error and no warning', async () => {
  const lint = await redoclyLint(specFile);
  const problems = lint.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
  expect(problems).toEqual([]);
  expect(lint.exitCode).toBe(0);
}, 60_000);

test('every operation declares a success answer with a body schema, its problems as problem+json, and its security', () => {
  const list = operations();
  expect(list.length).toBeGreaterThanOrEqual(20);
  for (const { name, path, operation } of list) {
    const statuses = Object.keys(operation.responses ?? {});
    const successes = statuses.filter((status) => status.startsWith('2'));
    expect({ name, successes: successes.length > 0 }).toEqual({ name, successes: true });
    for (const status of successes.filter((status) => status !== '204')) {
      const content = operation.responses[status].content ?? {};
      const schema = Object.values(content)[0] as { schema?: unknown } | undefined;
      expect({ name, status, schema: schema?.schema !== undefined }).toEqual({ name, status, schema: true });
      // an example for every answer (written, or built from the schema); redocly checks it fits
      const example = (schema as { example?: unknown; examples?: unknown; schema?: { examples?: unknown } } | undefined) ?? {};
      expect({ name, status, example: example.example !== undefined || example.examples !== undefined || example.schema?.examples !== undefined }).toEqual({
        name,
        status,
        example: true,
      });
    }
    const problems = statuses.filter((status) => Number(status) >= 400 && !(path === '/readyz' && status === '503'));
    expect({ name, problems: problems.length > 0 }).toEqual({ name, problems: true });
    for (const status of problems) {
      const media = operation.responses[status].content?.['application/problem+json'];
      expect({ name, status, problemJson: media?.schema?.properties?.code !== undefined && media.examples !== undefined }).toEqual({
        name,
        status,
        problemJson: true,
      });
    }
    expect({ name, security: Array.isArray(operation.security) }).toEqual({ name, security: true });
    if (path.startsWith('/api/v1/health/')) {
      expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['401', '429']));
      expect(operation.responses['429'].headers['Retry-After']).toBeDefined();
      expect(operation.responses[successes[0]!].headers.RateLimit).toBeDefined();
    }
    if (operation.requestBody) expect({ name, bodyProblems: ['400', '413', '415'].every((s) => statuses.includes(s)) }).toEqual({ name, bodyProblems: true });
  }
});

test('the upload declares the headers of CONTRACT §4 (X-Timezone-Offset in, Idempotent-Replayed on a replay, Location and Retry-After when queued) and MAX_BATCH_ITEMS', () => {
  const upload = spec.paths['/api/v1/health/samples/batch-upsert'].post;
  const offset = (upload.parameters ?? []).find((p: any) => p.in === 'header' && p.name.toLowerCase() === 'x-timezone-offset');
  expect(offset).toBeDefined();
  expect(offset.required).not.toBe(true);
  expect(offset.schema).toMatchObject({ type: 'integer', minimum: -720, maximum: 840 });
  for (const status of ['200', '207']) expect(Object.keys(upload.responses[status].headers)).toContain('Idempotent-Replayed');
  expect(Object.keys(upload.responses['202'].headers)).toEqual(expect.arrayContaining(['Location', 'Retry-After']));
  for (const status of ['409', '503']) expect(Object.keys(upload.responses[status].headers)).toContain('Retry-After');
  // MAX_BATCH_ITEMS (its default here) per array
  const body = upload.requestBody.content['application/json'].schema;
  expect([body.properties.samples.maxItems, body.properties.deleted.maxItems]).toEqual([500, 500]);
});

test('the read routes declare their query parameters as the routes check them (CONTRACT §7, §8)', () => {
  const params = (path: string) =>
    Object.fromEntries((spec.paths[path].get.parameters as any[]).filter((p) => p.in === 'query').map((p) => [p.name, p]));
  const samples = params('/api/v1/health/samples');
  expect(Object.keys(samples).sort()).toEqual(['cursor', 'from', 'limit', 'metric', 'to']);
  expect(samples.limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000, default: 100 });
  for (const name of ['from', 'to']) expect(samples[name].schema).toMatchObject({ type: 'string', format: 'date-time' });
  for (const p of Object.values(samples) as any[]) expect({ name: p.name, required: p.required ?? false }).toEqual({ name: p.name, required: false });

  const summaries = params('/api/v1/health/daily-summaries');
  expect(Object.keys(summaries).sort()).toEqual(['from', 'metrics', 'minSeq', 'to']);
  for (const name of ['from', 'to']) expect({ name, required: summaries[name].required, schema: summaries[name].schema }).toMatchObject({ name, required: true, schema: { type: 'string', format: 'date' } });
  expect(summaries.minSeq.schema).toMatchObject({ type: 'integer', minimum: 0 });
  expect(summaries.metrics.required ?? false).toBe(false);

  // the operators' pages too
  const dead = params('/admin/outbox/dead');
  expect(dead.limit.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000 });
  expect(dead.afterId.schema).toMatchObject({ type: 'integer', minimum: 0 });
});

test('openapi-typescript types every response; a small client type-checks against them, a wrong one does not', async () => {
  await openapiTypescript(specFile, join(folder, 'api-types.ts'));
  const types = await Bun.file(join(folder, 'api-types.ts')).text();
  expect(types).toContain('"/api/v1/health/samples/batch-upsert"');

  await Bun.write(
    join(folder, 'client.ts'),
    `import type { paths } from './api-types.ts';

type Upload = paths['/api/v1/health/samples/batch-upsert']['post'];
type UploadBody = Upload['requestBody'] extends { content: { 'application/json': infer B } } | undefined ? B : never;
type Uploaded = Upload['responses'][200]['content']['application/json'];
type Queued = Upload['responses'][202]['content']['application/json'];
type Problem = Upload['responses'][429]['content']['application/problem+json'];
type Page = paths['/api/v1/health/samples']['get']['responses'][200]['content']['application/json'];
type Summaries = paths['/api/v1/health/daily-summaries']['get']['responses'][200]['content']['application/json'];
type Status = paths['/api/v1/health/ingest-requests/{requestId}']['get']['responses'][200]['content']['application/json'];
type Settings = paths['/api/v1/health/privacy-settings']['put']['responses'][200]['content']['application/json'];
type Jobs = paths['/admin/jobs']['get']['responses'][200]['content']['application/json'];

/** Fails to compile when an operation's responses were typed never (an undeclared answer). */
type AnswerOf<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'patch' | 'delete'> = paths[P][M] extends { responses: infer R } ? R : never;
type Declared<R> = [keyof R] extends [never] ? false : true;
const everyDeclared: [Declared<AnswerOf<'/api/v1/health/samples', 'get'>>, Declared<AnswerOf<'/readyz', 'get'>>] = [true, true];

export const body: UploadBody = {
  requestId: '3f1c2a9e-4d7b-4c1e-9a55-0c9f1d2e7b61',
  payloadHash: 'a'.repeat(64),
  samples: [{ sourceId: 'watch', sourceRecordId: 'E2A6', metricCode: 'heart_rate', valueKind: 'SCALAR_NUM', value: 72, unit: 'count/min', startAt: '2026-11-20T07:15:00Z' }],
};

export function summarize(result: Uploaded, queued: Queued, problem: Problem, page: Page, summaries: Summaries, status: Status, settings: Settings, jobs: Jobs): string {
  const accepted: number = result.accepted;
  const failures: number[] = result.failed.map((failure) => failure.index);
  const retryAfterMs: number = queued.retryAfterMs;
  const code: string = problem.code;
  const cursor: string | null = page.nextCursor;
  const first: number | null | undefined = page.items[0]?.value;
  const stale: boolean = summaries.stale;
  const state: 'queued' | 'processing' | 'completed' | 'failed' = status.status;
  const blocked: string[] = settings.blockedMetrics;
  const names: string[] = jobs.jobs.map((job) => job.name);
  return [accepted, failures, retryAfterMs, code, cursor, first, stale, state, blocked, names, everyDeclared].join();
}
`,
  );
  const good = await typecheckFolder(folder);
  expect(good.output).toBe('');
  expect(good.exitCode).toBe(0);

  // the same client, wrong about three shapes: each is a type error
  await Bun.write(
    join(folder, 'wrong-client.ts'),
    `import type { paths } from './api-types.ts';
type Upload = paths['/api/v1/health/samples/batch-upsert']['post'];
type UploadBody = Upload['requestBody'] extends { content: { 'application/json': infer B } } | undefined ? B : never;
type Uploaded = Upload['responses'][200]['content']['application/json'];
export const body: UploadBody = { requestId: 42, payloadHash: 'x', samples: [] };
export const accepted = (result: Uploaded): string => result.accepted;
export const missing = (result: Uploaded) => result.noSuchField;
`,
  );
  const wrong = await typecheckFolder(folder);
  expect(wrong.exitCode).not.toBe(0);
  expect(wrong.output).toContain("wrong-client.ts(5,");
  expect(wrong.output).toContain("wrong-client.ts(6,");
  expect(wrong.output).toContain("wrong-client.ts(7,");
}, 60_000);
