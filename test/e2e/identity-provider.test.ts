// Tokens from an identity provider (CONTRACT §2: JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE) against a
// JSON Web Key Set served by the test on loopback: RS256 and ES256 accepted, HS256 refused, wrong
// iss/aud refused, a rotated key picked up on its unknown kid, keys served stale while the
// provider is down, and a clear 401 in bounded time when it is down (or hangs) with no keys yet.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK } from 'jose';
import { SUBJECT_NAMESPACE, uuidV5 } from '../../src/auth/subject-mapping.ts';
import { createUserTokens } from '../../src/auth/user-tokens.ts';
import { batch, getJson, heartRate, upload } from '../support/batches.ts';
import { startTestService, type TestService } from '../support/service.ts';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'health-ingest-api';

interface SigningKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: CryptoKey;
  jwk: JWK;
}

async function signingKey(kid: string, alg: SigningKey['alg']): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWKS endpoint on loopback whose keys, availability and speed the test sets. */
function startKeyServer() {
  const state = { keys: [] as SigningKey[], mode: 'up' as 'up' | 'down' | 'hang', fetches: 0 };
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch() {
      state.fetches++;
      if (state.mode === 'down') return new Response('unavailable', { status: 503 });
      if (state.mode === 'hang') await Bun.sleep(30_000);
      return Response.json({ keys: state.keys.map((key) => key.jwk) });
    },
  });
  return { state, url: `http://127.0.0.1:${server.port}/.well-known/jwks.json`, stop: () => server.stop(true) };
}

async function providerToken(key: SigningKey, claims: { sub?: string; iss?: string; aud?: string; ttl?: number } = {}) {
  const now = Math.floor(Date.now() / 1000);
  const jwt = new SignJWT({})
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .setSubject(claims.sub ?? crypto.randomUUID())
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? AUDIENCE)
    .setIssuedAt(now)
    .setExpirationTime(now + (claims.ttl ?? 600));
  return jwt.sign(key.privateKey);
}

const settings = (service: TestService, token: string) => getJson(service.baseUrl, '/api/v1/health/privacy-settings', token);

const keyServer = startKeyServer();
let service: TestService;
let rsa: SigningKey;
let ec: SigningKey;

beforeAll(async () => {
  [rsa, ec] = await Promise.all([signingKey('rsa-1', 'RS256'), signingKey('ec-1', 'ES256')]);
  keyServer.state.keys = [rsa, ec];
  service = await startTestService({
    env: { JWT_JWKS_URL: keyServer.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_JWKS_COOLDOWN_SECONDS: '0' },
  });
});
afterAll(async () => {
  await service.close();
  keyServer.stop();
});

describe('a provider that is up', () => {
  test('RS256 and ES256 tokens open the user API, as the user in their sub; uploads work', async () => {
    for (const key of [rsa, ec]) {
      const userId = crypto.randomUUID();
      const token = await providerToken(key, { sub: userId.toUpperCase() });
      expect((await settings(service, token)).status).toBe(200);
      const reply = await upload(service.baseUrl, token, batch([heartRate()]));
      expect(reply.status).toBe(200);
      const stored = await service.db.sql.unsafe('SELECT count(*)::int AS n FROM health_samples WHERE user_id = $1', [userId]);
      expect(stored[0]!.n).toBe(1);
    }
  });

  test('HS256 tokens, even signed with JWT_SECRET, are refused', async () => {
    const hs = await createUserTokens(service.config.jwtSecret, Date.now, { issuer: ISSUER, audience: AUDIENCE }).sign(crypto.randomUUID(), 600);
    const reply = await settings(service, hs);
    expect(reply.status).toBe(401);
    expect(reply.body.code).toBe('UNAUTHORIZED');
  });

  test('algorithm confusion is refused: HS256 keyed with the public key, alg none, a kid pointing elsewhere', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: crypto.randomUUID(), iss: ISSUER, aud: AUDIENCE, iat: now, exp: now + 600 };
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(rsa.jwk));
    const confused = await new SignJWT(claims).setProtectedHeader({ alg: 'HS256', kid: rsa.kid }).sign(publicKeyBytes);
    const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const none = `${b64({ alg: 'none', kid: rsa.kid })}.${b64(claims)}.`;
    const elsewhere = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid: 'attacker', jku: 'http://127.0.0.1:9/evil.json' })
      .sign((await signingKey('attacker', 'RS256')).privateKey);
    for (const token of [confused, none, elsewhere]) expect((await settings(service, token)).status).toBe(401);
  });

  test('a wrong iss or aud, an expired token, a non-UUID sub, or a key the set does not have is 401', async () => {
    const stranger = await signingKey('rsa-1', 'RS256'); // same kid, other key: a forged signature
    for (const token of [
      await providerToken(rsa, { iss: 'https://other.example.test/' }),
      await providerToken(ec, { aud: 'another-api' }),
      await providerToken(rsa, { ttl: -60 }),
      await providerToken(rsa, { sub: 'auth0|64b0c0ffee' }),
      await providerToken(stranger),
    ]) {
      const reply = await settings(service, token);
      expect(reply.status).toBe(401);
      expect(reply.body.code).toBe('UNAUTHORIZED');
      expect(reply.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  test('a rotated key is fetched on its unknown kid; a removed key stops verifying new tokens', async () => {
    const rotated = await signingKey('rsa-2', 'RS256');
    keyServer.state.keys = [rotated, ec];
    const before = keyServer.state.fetches;
    expect((await settings(service, await providerToken(rotated))).status).toBe(200);
    expect(keyServer.state.fetches).toBe(before + 1);
    // rsa-1 is no longer in the set: a token signed with it now is unknown after a refetch
    expect((await settings(service, await providerToken(rsa))).status).toBe(401);
    keyServer.state.keys = [rsa, ec];
  });
});

describe('a provider that is down', () => {
  test('keys fetched before keep verifying (served stale) once their cache age is past, while the provider is down', async () => {
    const flaky = startKeyServer();
    flaky.state.keys = [rsa, ec];
    const shortCache = await startTestService({
      env: { JWT_JWKS_URL: flaky.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_JWKS_CACHE_SECONDS: '1' },
    });
    try {
      expect((await settings(shortCache, await providerToken(rsa))).status).toBe(200);
      await Bun.sleep(1_100);
      flaky.state.mode = 'down';
      const fetchesBefore = flaky.state.fetches;
      expect((await settings(shortCache, await providerToken(ec))).status).toBe(200);
      expect(flaky.state.fetches).toBe(fetchesBefore + 1); // it did try the provider first
      // right after the failure, the stale keys answer without another try
      expect((await settings(shortCache, await providerToken(rsa))).status).toBe(200);
      expect(flaky.state.fetches).toBe(fetchesBefore + 1);
    } finally {
      await shortCache.close();
      flaky.stop();
    }
  });

  for (const mode of ['down', 'hang'] as const) {
    test(`with no keys yet, a provider that is ${mode === 'down' ? 'down (503)' : 'hanging'} gets a clear 401 within the fetch bound`, async () => {
      const dead = startKeyServer();
      dead.state.mode = mode;
      const fresh = await startTestService({ env: { JWT_JWKS_URL: dead.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE } });
      try {
        const started = performance.now();
        const reply = await settings(fresh, await providerToken(rsa));
        expect(performance.now() - started).toBeLessThan(5_000);
        expect(reply.status).toBe(401);
        expect(reply.headers.get('content-type')).toContain('application/problem+json');
        expect(reply.body).toMatchObject({ code: 'UNAUTHORIZED', reason: 'IDENTITY_PROVIDER_UNAVAILABLE' });
        expect(reply.body.detail).toContain('identity provider');
        expect(reply.headers.get('www-authenticate')).toContain('temporarily_unavailable');
        // the provider recovers: the next token verifies
        dead.state.keys = [rsa];
        dead.state.mode = 'up';
        await Bun.sleep(5_100); // past the pause after a failed fetch (JWKS_RETRY_AFTER_FAILURE_MS)
        expect((await settings(fresh, await providerToken(rsa))).status).toBe(200);
      } finally {
        await fresh.close();
        dead.stop();
      }
    });
  }
});

test("JWT_SUBJECTS=derived maps a provider's non-UUID subjects to stable UUIDs", async () => {
  const derived = await startTestService({
    env: { JWT_JWKS_URL: keyServer.url, JWT_ISSUER: ISSUER, JWT_AUDIENCE: AUDIENCE, JWT_SUBJECTS: 'derived' },
  });
  try {
    const sub = 'auth0|64b0c0ffee';
    const token = await providerToken(rsa, { sub });
    expect((await upload(derived.baseUrl, token, batch([heartRate()]))).status).toBe(200);
    const userId = uuidV5(SUBJECT_NAMESPACE, `${ISSUER} ${sub}`);
    const stored = await derived.db.sql.unsafe('SELECT count(*)::int AS n FROM health_samples WHERE user_id = $1', [userId]);
    expect(stored[0]!.n).toBe(1);
  } finally {
    await derived.close();
  }
});

test('uuidV5 is RFC 9562 version 5 (the RFC’s own example)', () => {
  // RFC 9562 appendix A.4: the DNS namespace and "www.example.com"
  expect(uuidV5('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
});
