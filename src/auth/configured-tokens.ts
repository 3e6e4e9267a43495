// The user tokens the configuration asks for: an identity provider's (JWT_JWKS_URL) or the
// service's own HS256 ones (JWT_SECRET), both checked for JWT_ISSUER / JWT_AUDIENCE when set.
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { createProviderTokens } from './provider-tokens.ts';
import { createUserTokens, type UserTokens } from './user-tokens.ts';

export function configuredUserTokens(config: Readonly<Config>, log?: Logger): UserTokens {
  const expected = {
    ...(config.jwtIssuer ? { issuer: config.jwtIssuer } : {}),
    ...(config.jwtAudience ? { audience: config.jwtAudience } : {}),
  };
  if (config.jwtJwksUrl === null) return createUserTokens(config.jwtSecret, Date.now, expected);
  return createProviderTokens({ jwksUrl: config.jwtJwksUrl, subjects: config.jwtSubjects, cooldownMs: config.jwtJwksCooldownMs, cacheMs: config.jwtJwksCacheMs, ...(log ? { log } : {}), ...expected });
}
