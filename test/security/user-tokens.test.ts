// CONTRACT §2 against hostile tokens: only an HS256 JWT signed with JWT_SECRET, with a UUID
// `sub` and an `exp` in the future, opens the user endpoints; everything else is 401 problem+json
// with WWW-Authenticate: Bearer, on every user endpoint, before any body or query is looked at.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { createUserTokens } from '../../src/auth/user-tokens.ts';
import { batch, heartRate } from '../support/batches.ts';
import { startTestService, type TestService } from '../support/service.ts';

let service: TestService;
const userId = crypto.randomUUID();
const now = () => Math.floor(Date.now() / 1000);
const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

beforeAll(async () => {
  service = await startTestService();
});
afterAll(() => service.close());

const secret = () => new TextEncoder().encode(service.config.jwtSecret);

async function hs256(claims: Record<string, unknown>, key: Uint8Array = secret(), alg = 'HS256') {
  return new SignJWT(claims).setProtectedHeader({ alg, typ: 'JWT' }).sign(key);
}

/** Every user endpoint, each with a request that succeeds for a valid token. */
const ENDPOINTS: { name: string; request: (authorization: string | null) => Request }[] = [
  {
    name: 'POST batch-upsert',
    request: (authorization) =>
      new Request(`${service.baseUrl}/api/v1/health/samples/batch-upsert`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify(batch([heartRate()])),
      }),
  },
  { name: 'GET samples', request: (a) => get('/api/v1/health/samples', a) },
  { name: 'GET ingest-requests/{id}', request: (a) => get(`/api/v1/health/ingest-requests/${crypto.randomUUID()}`, a) },
  { name: 'GET privacy-settings', request: (a) => get('/api/v1/health/privacy-settings', a) },
  {
    name: 'PUT privacy-settings',
    request: (authorization) =>
      new Request(`${service.baseUrl}/api/v1/health/privacy-settings`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ syncEnabled: true, blockedMetrics: [] }),
      }),
  },
  { name: 'GET metrics', request: (a) => get('/api/v1/health/metrics', a) },
];

function get(path: string, authorization: string | null) {
  return new Request(`${service.baseUrl}${path}`, { headers: authorization ? { authorization } : {} });
}

async function expectUnauthorized(authorization: string | null) {
  for (const endpoint of ENDPOINTS) {
    const response = await fetch(endpoint.request(authorization));
    const text = await response.text();
    expect({ endpoint: endpoint.name, status: response.status }).toEqual({ endpoint: endpoint.name, status: 401 });
    expect(response.headers.get('content-type')).toStartWith('application/problem+json');
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(JSON.parse(text).code).toBe('UNAUTHORIZED');
  }
}

describe('a valid token (control)', () => {
  test('opens every user endpoint', async () => {
    const token = await hs256({ sub: userId, exp: now() + 600 });
    for (const endpoint of ENDPOINTS) {
      const response = await fetch(endpoint.request(`Bearer ${token}`));
      expect({ endpoint: endpoint.name, ok: response.status < 400 || response.status === 404 }).toEqual({ endpoint: endpoint.name, ok: true });
    }
  });
});

describe('refused tokens → 401 on every user endpoint', () => {
  test('no Authorization header, an empty one, another scheme, a bare token', async () => {
    const token = await hs256({ sub: userId, exp: now() + 600 });
    await expectUnauthorized(null);
    await expectUnauthorized('');
    await expectUnauthorized('Bearer ');
    await expectUnauthorized(`Basic ${Buffer.from(`${userId}:x`).toString('base64')}`);
    await expectUnauthorized(token);
    await expectUnauthorized(`Bearer ${token} extra`);
  });

  test('alg: none (unsigned), in any spelling', async () => {
    for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
      const unsigned = `${b64url({ alg, typ: 'JWT' })}.${b64url({ sub: userId, exp: now() + 600 })}.`;
      await expectUnauthorized(`Bearer ${unsigned}`);
    }
  });

  test('HS/RS confusion: an RS256 token, and an HS256 token whose secret is the public key text', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RS256');
    const rs256 = await new SignJWT({ sub: userId, exp: now() + 600 }).setProtectedHeader({ alg: 'RS256' }).sign(privateKey);
    await expectUnauthorized(`Bearer ${rs256}`);
    const pem = await exportSPKI(publicKey);
    await expectUnauthorized(`Bearer ${await hs256({ sub: userId, exp: now() + 600 }, new TextEncoder().encode(pem))}`);
  });

  test('other HMAC algorithms with the right secret (HS384, HS512)', async () => {
    for (const alg of ['HS384', 'HS512']) {
      await expectUnauthorized(`Bearer ${await hs256({ sub: userId, exp: now() + 600 }, secret(), alg)}`);
    }
  });

  test('a wrong secret, and a tampered payload', async () => {
    await expectUnauthorized(`Bearer ${await hs256({ sub: userId, exp: now() + 600 }, new TextEncoder().encode('another-secret-of-enough-length'))}`);
    const [header, , signature] = (await hs256({ sub: userId, exp: now() + 600 })).split('.');
    await expectUnauthorized(`Bearer ${header}.${b64url({ sub: crypto.randomUUID(), exp: now() + 600 })}.${signature}`);
  });

  test('expired (also by a second), and not yet valid (nbf in the future)', async () => {
    await expectUnauthorized(`Bearer ${await hs256({ sub: userId, exp: now() - 3600 })}`);
    await expectUnauthorized(`Bearer ${await hs256({ sub: userId, exp: now() - 1 })}`);
    await expectUnauthorized(`Bearer ${await hs256({ sub: userId, exp: now() + 600, nbf: now() + 300 })}`);
  });

  test('missing sub, non-UUID sub, sub of another type, missing exp, exp not a number', async () => {
    await expectUnauthorized(`Bearer ${await hs256({ exp: now() + 600 })}`);
    for (const sub of ['alice', '', '00000000-0000-0000-0000-00000000000g', `${userId} `, `${userId}\u0000`, "' OR 1=1 --"]) {
      await expectUnauthorized(`Bearer ${await hs256({ sub, exp: now() + 600 })}`);
    }
    await expectUnauthorized(`Bearer ${await hs256({ sub: 42, exp: now() + 600 })}`);
    await expectUnauthorized(`Bearer ${await hs256({ sub: [userId], exp: now() + 600 })}`);
    await expectUnauthorized(`Bearer ${await hs256({ sub: userId })}`);
    await expectUnauthorized(`Bearer ${await hs256({ sub: userId, exp: String(now() + 600) })}`);
  });

  test('malformed token text', async () => {
    for (const text of ['a.b.c', 'a.b', '...', 'e30.e30.', 'x'.repeat(10_000), '%00', 'eyJhbGciOiJIUzI1NiJ9']) {
      await expectUnauthorized(`Bearer ${text}`);
    }
  });

  test('a token that worked stops working once it expires (the verified-token cache honours exp)', async () => {
    const token = await hs256({ sub: userId, exp: now() + 1 });
    const first = await fetch(get('/api/v1/health/privacy-settings', `Bearer ${token}`));
    expect(first.status).toBe(200);
    const deadline = Date.now() + 4000;
    let status = 200;
    while (status === 200 && Date.now() < deadline) {
      await Bun.sleep(100);
      status = (await fetch(get('/api/v1/health/privacy-settings', `Bearer ${token}`))).status;
    }
    expect(status).toBe(401);
  });
});

/**
 * Four other spellings of one signed token that decode to the same bytes (RFC 7515 allows only
 * the first): '=' padding, and the three other values of the unused low bits of the signature's
 * last character (32 bytes = 43 characters, so its 2 low bits are unused).
 */
function otherSpellings(token: string): string[] {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
  const last = alphabet.indexOf(token.at(-1)!);
  expect(last % 4).toBe(0);
  return [`${token}=`, ...[1, 2, 3].map((bits) => token.slice(0, -1) + alphabet[last + bits])];
}

describe('JWT malleability: one signed token, five spellings', () => {
  test('the canonical one is accepted and the four others refused, each taking no cache slot', async () => {
    const tokens = createUserTokens(service.config.jwtSecret);
    const token = await tokens.sign(userId, 600);
    const spellings = otherSpellings(token);
    for (const spelling of spellings) expect(Buffer.from(spelling.split('.')[2]!, 'base64url')).toEqual(Buffer.from(token.split('.')[2]!, 'base64url'));
    expect(await tokens.verify(token)).toBe(userId);
    for (const spelling of spellings) expect(await tokens.verify(spelling)).toBeNull();
    expect(tokens.cachedCount()).toBe(1);
    // also when a non-canonical spelling comes first, before the canonical one is cached
    const fresh = createUserTokens(service.config.jwtSecret);
    for (const spelling of spellings) expect(await fresh.verify(spelling)).toBeNull();
    expect(fresh.cachedCount()).toBe(0);
  });

  test('padding or stray characters in the header or payload segment are refused too', async () => {
    const tokens = createUserTokens(service.config.jwtSecret);
    const [header, payload, signature] = (await tokens.sign(userId, 600)).split('.') as [string, string, string];
    for (const forged of [`${header}=.${payload}.${signature}`, `${header}.${payload}==.${signature}`, `${header}.${payload}.${signature}.`, ` ${header}.${payload}.${signature}`, `${header}.${payload}.+${signature.slice(1)}`]) {
      expect(await tokens.verify(forged)).toBeNull();
    }
  });

  test('over HTTP: one 200 and four 401s', async () => {
    const token = await hs256({ sub: userId, exp: now() + 600 });
    expect((await fetch(get('/api/v1/health/privacy-settings', `Bearer ${token}`))).status).toBe(200);
    for (const spelling of otherSpellings(token)) await expectUnauthorized(`Bearer ${spelling}`);
  });
});
