// User tokens signed by an identity provider (CONTRACT §2: JWT_JWKS_URL, JWT_ISSUER, JWT_AUDIENCE):
// Auth0, Cognito, Firebase, Supabase, Keycloak publish their public keys as a JSON Web Key Set.
// jose's remote key set caches it, fetches it again on a `kid` it does not know (at most once per
// cooldown, so random kids cannot make the service hammer the provider) and gives up a fetch
// after JWKS_FETCH_TIMEOUT_MS. Asymmetric algorithms only: an HS256 token is refused (its
// "secret" would be the public key). When the provider cannot be reached, keys already fetched
// keep verifying (stale, until it answers again); with none, the answer is a 401 that says the
// provider is unreachable, in bounded time — never a hang.
import { createLocalJWKSet, createRemoteJWKSet, errors, jwtVerify, type FlattenedJWSInput, type JWSHeaderParameters, type JWTPayload } from 'jose';
import { ProblemError } from '../domain/problems.ts';
import { JWKS_FETCH_TIMEOUT_MS, JWKS_RETRY_AFTER_FAILURE_MS } from '../limits.ts';
import { subjectUserId } from './subject-mapping.ts';
import { isCanonicalCompactJws, type ExpectedClaims, type UserTokens } from './user-tokens.ts';
import { verifiedTokens } from './verified-tokens.ts';
import type { Logger } from '../log.ts';

/** What an identity provider signs with (RFC 7518 / RFC 8037 names). */
export const PROVIDER_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'ES256', 'ES384', 'EdDSA', 'Ed25519'];

export interface ProviderTokenOptions extends ExpectedClaims {
  jwksUrl: string;
  /** 'uuid': `sub` must be a UUID; 'derived': any `sub`, mapped to a UUID (subject-mapping.ts) */
  subjects: 'uuid' | 'derived';
  /** least time between two fetches for an unknown kid */
  cooldownMs: number;
  /** a fetched set is fetched again after this long */
  cacheMs: number;
  now?: () => number;
  /** says once when the provider cannot be reached, and when it can again */
  log?: Pick<Logger, 'warn' | 'info'>;
}

/** A failure of the key set's fetch (down, slow, not a key set), not of the token. */
function providerUnavailable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  if (error instanceof errors.JOSEError) return /JSON Web Key Set HTTP response/.test(error.message);
  // fetch's own errors: connection refused, reset, DNS
  return error instanceof Error && !(error instanceof errors.JOSEError);
}

export function createProviderTokens(options: ProviderTokenOptions): UserTokens {
  const now = options.now ?? Date.now;
  const remote = createRemoteJWKSet(new URL(options.jwksUrl), {
    timeoutDuration: JWKS_FETCH_TIMEOUT_MS,
    cooldownDuration: options.cooldownMs,
    cacheMaxAge: options.cacheMs,
  });
  const verified = verifiedTokens(now);
  let lastFailureAt = Number.NEGATIVE_INFINITY;
  let unreachable = false;
  const fetched = () => {
    if (unreachable) options.log?.info({ jwksUrl: options.jwksUrl }, 'the identity provider’s key set can be fetched again');
    unreachable = false;
  };
  const failed = (error: unknown) => {
    lastFailureAt = now();
    if (!unreachable) options.log?.warn({ jwksUrl: options.jwksUrl, err: error }, 'the identity provider’s key set cannot be fetched; keys fetched before are used');
    unreachable = true;
  };

  /** The key for a token: the remote set, or the keys fetched before while the provider is down. */
  const keyFor = async (header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> => {
    const stale = remote.jwks();
    // right after a failed fetch, the keys fetched before serve at once instead of another wait
    if (stale && now() - lastFailureAt < JWKS_RETRY_AFTER_FAILURE_MS) return createLocalJWKSet(stale)(header, token);
    try {
      const key = await remote(header, token);
      fetched();
      return key;
    } catch (error) {
      if (!providerUnavailable(error)) throw error;
      failed(error);
      if (stale) return createLocalJWKSet(stale)(header, token);
      throw error;
    }
  };

  return {
    async verify(token) {
      const hit = verified.get(token);
      if (hit !== undefined) return hit;
      if (!isCanonicalCompactJws(token)) return null;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, keyFor, {
          algorithms: PROVIDER_ALGORITHMS,
          requiredClaims: ['exp', 'sub'],
          currentDate: new Date(now()),
          ...(options.issuer ? { issuer: options.issuer } : {}),
          ...(options.audience ? { audience: options.audience } : {}),
        }));
      } catch (error) {
        if (providerUnavailable(error)) {
          throw new ProblemError(
            'UNAUTHORIZED',
            'the identity provider’s signing keys (JWT_JWKS_URL) could not be fetched, so the token cannot be checked; retry later',
            { reason: 'IDENTITY_PROVIDER_UNAVAILABLE' },
            { 'www-authenticate': 'Bearer error="temporarily_unavailable"' },
          );
        }
        return null;
      }
      const userId = subjectUserId(payload, options.subjects);
      if (userId === null) return null;
      verified.remember(token, userId, payload.exp! * 1000);
      return userId;
    },
    cachedCount: () => verified.size,
    async sign() {
      throw new Error('tokens are issued by the identity provider (JWT_JWKS_URL is set); the service cannot sign them');
    },
  };
}
