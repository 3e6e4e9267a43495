// The identity and rate-limit keys of the configuration (CONTRACT §1, §2): JWT_JWKS_URL (https in
// production, where it stands in for JWT_SECRET), JWT_ISSUER / JWT_AUDIENCE, JWT_SUBJECTS, the
// key-set timings, USER_RATE_LIMIT_PER_MINUTE.
import { expect, test } from 'bun:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

const production = { NODE_ENV: 'production', WEBHOOK_SECRET_KEY: 'k'.repeat(32) };

test('defaults: HS256 with JWT_SECRET, no iss/aud check, UUID subjects, 6,000 requests per user per minute', () => {
  const config = loadConfig({});
  expect([config.jwtJwksUrl, config.jwtIssuer, config.jwtAudience, config.jwtSubjects]).toEqual([null, null, null, 'uuid']);
  expect([config.jwtJwksCooldownMs, config.jwtJwksCacheMs, config.userRateLimitPerMinute]).toEqual([30_000, 600_000, 6000]);
});

test('JWT_JWKS_URL: http(s) in development, https only in production, where it replaces JWT_SECRET', () => {
  expect(loadConfig({ JWT_JWKS_URL: 'http://127.0.0.1:9/jwks.json' }).jwtJwksUrl).toBe('http://127.0.0.1:9/jwks.json');
  expect(() => loadConfig({ JWT_JWKS_URL: 'ftp://id.example/jwks' })).toThrow(ConfigError);
  expect(() => loadConfig({ ...production, JWT_JWKS_URL: 'http://id.example/jwks.json' })).toThrow(/JWT_JWKS_URL must use https:/);
  expect(loadConfig({ ...production, JWT_JWKS_URL: 'https://id.example/jwks.json' }).jwtJwksUrl).toBe('https://id.example/jwks.json');
  expect(() => loadConfig(production)).toThrow(/JWT_SECRET must be set/);
});

test('JWT_ISSUER, JWT_AUDIENCE, JWT_SUBJECTS and the key-set timings', () => {
  const config = loadConfig({ JWT_ISSUER: ' https://id.example/ ', JWT_AUDIENCE: 'api', JWT_SUBJECTS: 'derived', JWT_JWKS_COOLDOWN_SECONDS: '5', JWT_JWKS_CACHE_SECONDS: '60' });
  expect([config.jwtIssuer, config.jwtAudience, config.jwtSubjects, config.jwtJwksCooldownMs, config.jwtJwksCacheMs]).toEqual(['https://id.example/', 'api', 'derived', 5000, 60_000]);
  expect(() => loadConfig({ JWT_SUBJECTS: 'email' })).toThrow(/JWT_SUBJECTS must be uuid or derived/);
  expect(() => loadConfig({ JWT_JWKS_CACHE_SECONDS: '0' })).toThrow(/JWT_JWKS_CACHE_SECONDS/);
});

test('USER_RATE_LIMIT_PER_MINUTE: 0 turns it off; negative or non-integer values are refused', () => {
  expect(loadConfig({ USER_RATE_LIMIT_PER_MINUTE: '0' }).userRateLimitPerMinute).toBe(0);
  expect(loadConfig({ USER_RATE_LIMIT_PER_MINUTE: '1200' }).userRateLimitPerMinute).toBe(1200);
  for (const bad of ['-1', '1.5', 'many']) expect(() => loadConfig({ USER_RATE_LIMIT_PER_MINUTE: bad })).toThrow(/USER_RATE_LIMIT_PER_MINUTE/);
});
