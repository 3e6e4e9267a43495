// User tokens: HS256 JWTs whose `sub` is the user's UUID (CONTRACT §2). Only HS256 is accepted,
// so `alg: none` and RS/HS confusion are refused by construction.
import { jwtVerify, SignJWT } from 'jose';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: string) => UUID.test(value);

export interface UserTokens {
  /** the user id (lower-case UUID) or null when the token is missing, malformed, expired or forged */
  verify(token: string): Promise<string | null>;
  sign(userId: string, ttlSeconds: number): Promise<string>;
}

export function createUserTokens(secret: string): UserTokens {
  const key = new TextEncoder().encode(secret);
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { algorithms: ['HS256'], requiredClaims: ['exp', 'sub'] });
        return typeof payload.sub === 'string' && isUuid(payload.sub) ? payload.sub.toLowerCase() : null;
      } catch {
        return null;
      }
    },
    async sign(userId, ttlSeconds) {
      if (!isUuid(userId)) throw new Error(`user id must be a UUID, got "${userId}"`);
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId.toLowerCase())
        .setIssuedAt(now)
        .setExpirationTime(now + ttlSeconds)
        .sign(key);
    },
  };
}
