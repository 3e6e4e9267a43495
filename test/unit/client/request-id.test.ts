import { describe, expect, test } from 'bun:test';
import { deriveRequestId } from '../../../src/client/request-id.ts';

const HASH = '4e4412e8be65e0854213cf73b35e29b18c10c8bd8bb1936af4c1b68e65263258';

describe('a batch requestId derived from its payload hash', () => {
  test('is a UUID version 8 (RFC 9562) with the RFC variant, as the service takes it', async () => {
    const id = await deriveRequestId(HASH);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  test('is the same for the same content and key, so a re-run replays', async () => {
    expect(await deriveRequestId(HASH)).toBe(await deriveRequestId(HASH));
    expect(await deriveRequestId(HASH.toUpperCase())).toBe(await deriveRequestId(HASH));
    expect(await deriveRequestId(HASH, 'k1')).toBe(await deriveRequestId(HASH, 'k1'));
  });

  test('differs with the content and with the idempotency key', async () => {
    const other = `${HASH.slice(0, 63)}9`;
    expect(await deriveRequestId(other)).not.toBe(await deriveRequestId(HASH));
    expect(await deriveRequestId(HASH, 'k1')).not.toBe(await deriveRequestId(HASH));
    expect(await deriveRequestId(HASH, 'k1')).not.toBe(await deriveRequestId(HASH, 'k2'));
  });

  test('is pinned: a new derivation would stop crash re-runs across an SDK upgrade from replaying', async () => {
    // SHA-256("health-ingest/request-id/v1\n\n" + hash), first 16 bytes, version and variant set
    const digest = new Bun.CryptoHasher('sha256').update(`health-ingest/request-id/v1\n\n${HASH}`).digest('hex');
    const expected = `${digest.slice(0, 8)}-${digest.slice(8, 12)}-8${digest.slice(13, 16)}-${((parseInt(digest.slice(16, 18), 16) & 0x3f) | 0x80).toString(16)}${digest.slice(18, 20)}-${digest.slice(20, 32)}`;
    expect(await deriveRequestId(HASH)).toBe(expected);
    expect(await deriveRequestId(HASH)).toBe('3373fa4d-d9f4-81a1-a570-2df4ed62a27f');
  });
});
