// User tokens: HS256 JWTs whose `sub` is the user's UUID (CONTRACT §2). Only HS256 is accepted,
// so `alg: none` and RS/HS confusion are refused by construction. With JWT_JWKS_URL set, tokens
// are an identity provider's instead (provider-tokens.ts), through the same interface.
//
// Only the canonical spelling of a token is accepted (RFC 7515: each segment unpadded base64url).
// jose decodes leniently: '=' padding and other values of the unused low bits of a segment's last
// character decode to the same bytes, so one signed token had several spellings that verified,
// each taking a slot of the verified-token cache.
import { jwtVerify, SignJWT } from 'jose';
import { UUID_PATTERN } from '../domain/types.ts';
import { verifiedTokens } from './verified-tokens.ts';

const UUID = new RegExp(UUID_PATTERN);

export const isUuid = (value: string) => UUID.test(value);

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** Three segments, each the one unpadded base64url spelling of the bytes it decodes to. */
export function isCanonicalCompactJws(token: string): boolean {
  const segments = token.split('.');
  return (
    segments.length === 3 &&
    segments.every((segment) => BASE64URL.test(segment) && Buffer.from(segment, 'base64url').toString('base64url') === segment)
  );
}

export interface UserTokens {
  /**
   * The user id (lower-case UUID) or null when the token is missing, malformed, expired or forged.
   * Throws a ProblemError (401) when the token cannot be checked now (the identity provider is down).
   */
  verify(token: string): Promise<string | null>;
  sign(userId: string, ttlSeconds: number): Promise<string>;
  /** how many verified tokens are remembered (bounded by VERIFIED_CACHE_SIZE) */
  cachedCount(): number;
}

/** `iss` / `aud` a token must carry (JWT_ISSUER, JWT_AUDIENCE); unset: not checked. */
export interface ExpectedClaims {
  issuer?: string;
  audience?: string;
}

export function createUserTokens(secret: string, now: () => number = Date.now, expected: ExpectedClaims = {}): UserTokens {
  const raw = new TextEncoder().encode(secret);
  // imported once: jose would import a raw secret on every call (~60 µs)
  const key = crypto.subtle.importKey('raw', raw, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  const verified = verifiedTokens(now);

  return {
    async verify(token) {
      const hit = verified.get(token);
      if (hit !== undefined) return hit;
      // a cache hit is canonical by construction: only what passed below is ever stored
      if (!isCanonicalCompactJws(token)) return null;
      try {
        const { payload } = await jwtVerify(token, await key, {
          algorithms: ['HS256'],
          requiredClaims: ['exp', 'sub'],
          currentDate: new Date(now()),
          ...(expected.issuer ? { issuer: expected.issuer } : {}),
          ...(expected.audience ? { audience: expected.audience } : {}),
        });
        if (typeof payload.sub !== 'string' || !isUuid(payload.sub)) return null;
        const userId = payload.sub.toLowerCase();
        verified.remember(token, userId, payload.exp! * 1000);
        return userId;
      } catch {
        return null;
      }
    },
    cachedCount: () => verified.size,
    async sign(userId, ttlSeconds) {
      if (!isUuid(userId)) throw new Error(`user id must be a UUID, got "${userId}"`);
      const issuedAt = Math.floor(now() / 1000);
      const token = new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId.toLowerCase())
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + ttlSeconds);
      if (expected.issuer) token.setIssuer(expected.issuer);
      if (expected.audience) token.setAudience(expected.audience);
      return token.sign(await key);
    },
  };
}
