// Bearer JWT → userId for the user routes (CONTRACT §2), then the user's rate limit. Runs before
// body or query validation, so an anonymous caller learns nothing about the shape of the API and
// a limited user's body is never read. Applied once, to the group every /api/v1/health route is
// added to (userApiGroup).
import { Elysia } from 'elysia';
import type { UserTokens } from '../../auth/user-tokens.ts';
import { ProblemError } from '../../domain/problems.ts';
import { rateLimitHeaders, rateLimitPolicyHeader, retryAfterSeconds } from '../../domain/rate-limit-headers.ts';
import type { UserRateLimit } from '../../rate-limit/user-rate-limit.ts';

export function userAuthPlugin(tokens: UserTokens, rateLimit: UserRateLimit | null) {
  return new Elysia({ name: 'user-auth' }).derive({ as: 'scoped' }, async ({ request, set }) => {
    const header = request.headers.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const userId = match ? await tokens.verify(match[1]!) : null;
    if (userId === null) {
      throw new ProblemError('UNAUTHORIZED', 'a valid Bearer token is required', {}, { 'www-authenticate': 'Bearer' });
    }
    if (rateLimit === null) return { userId };
    const decision = await rateLimit.take(userId);
    if (decision === null) {
      // Redis did not answer: let through, the policy stated, the remainder unknown
      set.headers['ratelimit-policy'] = rateLimitPolicyHeader(rateLimit.limit, rateLimit.windowSeconds);
      return { userId };
    }
    // on every answer to the user, errors included (Elysia merges set.headers into them)
    Object.assign(set.headers, rateLimitHeaders(rateLimit.limit, rateLimit.windowSeconds, decision));
    if (!decision.allowed) {
      const seconds = retryAfterSeconds(decision);
      throw new ProblemError(
        'RATE_LIMITED',
        `more than ${rateLimit.limit} requests in ${rateLimit.windowSeconds} s from this user; retry after ${seconds} s`,
        { retryAfterMs: seconds * 1000, limit: rateLimit.limit, windowSeconds: rateLimit.windowSeconds },
        { 'retry-after': String(seconds) },
      );
    }
    return { userId };
  });
}

/** The group of the user API: the routes added to it (route files take it as `app`) are authenticated once, here. */
export function userApiGroup(tokens: UserTokens, rateLimit: UserRateLimit | null = null) {
  return new Elysia().use(userAuthPlugin(tokens, rateLimit));
}
export type UserApi = ReturnType<typeof userApiGroup>;

/** OpenAPI security of a user route (documented where a route declares its own). */
export const USER_SECURITY = [{ bearer: [] as string[] }];
