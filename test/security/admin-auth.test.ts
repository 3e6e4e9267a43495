// CONTRACT §2, admin endpoints: X-Api-Key must be one of ADMIN_API_KEYS, else 401 problem+json;
// with no keys configured every admin request is refused. Functional behaviour only: that the
// comparison is constant-time (SHA-256 digests + timingSafeEqual against every key) is reviewed
// in src/http/plugins/admin-auth.ts, not timed here.
import { describe, expect, test } from 'bun:test';
import { Elysia } from 'elysia';
import { createLogger } from '../../src/log.ts';
import { adminAuthPlugin } from '../../src/http/plugins/admin-auth.ts';
import { problemsPlugin } from '../../src/http/plugins/problems.ts';
import { requestIdPlugin } from '../../src/http/plugins/request-id.ts';
import { databaseUnavailable, refusedInput } from '../../src/db/errors.ts';

function adminApp(keys: readonly string[]) {
  return new Elysia()
    .use(requestIdPlugin)
    .use(problemsPlugin(createLogger('silent'), { refusedInput, databaseUnavailable }))
    .use(new Elysia().use(adminAuthPlugin(keys)).get('/admin/ping', ({ admin }) => ({ admin })));
}

async function call(app: ReturnType<typeof adminApp>, key: string | null) {
  const response = await app.handle(new Request('http://local/admin/ping', { headers: key === null ? {} : { 'x-api-key': key } }));
  return { status: response.status, type: response.headers.get('content-type'), body: (await response.json()) as any };
}

const KEY_A = 'k_live_3c9d1e0f5a7b4c2d9e8f';
const KEY_B = 'another-admin-key-with-Ümlauts';

describe('admin API key', () => {
  test('each configured key opens the admin routes', async () => {
    const app = adminApp([KEY_A, KEY_B]);
    expect((await call(app, KEY_A)).status).toBe(200);
    expect((await call(app, KEY_B)).status).toBe(200);
    expect((await call(app, KEY_A)).body).toEqual({ admin: true });
  });

  test.each([
    ['no header', null],
    ['an empty key', ''],
    ['a prefix of a key', KEY_A.slice(0, -1)],
    ['a key plus one character', `${KEY_A}x`],
    ['a key differing in the last character', `${KEY_A.slice(0, -1)}g`],
    ['another case', KEY_A.toUpperCase()],
    ['two keys joined', `${KEY_A},${KEY_B}`],
    ['a very long key', 'k'.repeat(8192)],
  ])('%s → 401 problem+json', async (_, key) => {
    const response = await call(adminApp([KEY_A, KEY_B]), key);
    expect(response.status).toBe(401);
    expect(response.type).toStartWith('application/problem+json');
    expect(response.body.code).toBe('UNAUTHORIZED');
  });

  test('with no keys configured, nothing opens the admin routes (not even an empty key)', async () => {
    const app = adminApp([]);
    for (const key of [null, '', 'anything', KEY_A]) expect((await call(app, key)).status).toBe(401);
  });

  test('a user JWT is no admin key', async () => {
    const app = adminApp([KEY_A]);
    const response = await app.handle(new Request('http://local/admin/ping', { headers: { authorization: `Bearer ${KEY_A}` } }));
    expect(response.status).toBe(401);
  });
});
