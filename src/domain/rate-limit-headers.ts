// The rate limit's response headers (CONTRACT §2: draft-ietf-httpapi-ratelimit-headers, the
// structured-field form of draft 09/10), and Retry-After when the limit refused a request:
//   RateLimit-Policy: "per-user";q=600;w=60;pk=:…:   the quota (q requests per w seconds)
//   RateLimit: "per-user";r=597;t=1                  r left now, full again in t seconds
// pk (the partition key) is left out: it would be the user id, which the client knows anyway.

export const RATE_LIMIT_POLICY_NAME = 'per-user';

export interface RateLimitDecision {
  allowed: boolean;
  remaining: number;
  /** until the quota is whole again */
  resetMs: number;
  /** until a request would be allowed (0 when this one was) */
  retryAfterMs: number;
}

export function rateLimitPolicyHeader(limit: number, windowSeconds: number): string {
  return `"${RATE_LIMIT_POLICY_NAME}";q=${limit};w=${windowSeconds}`;
}

export function rateLimitHeaders(limit: number, windowSeconds: number, decision: RateLimitDecision): Record<string, string> {
  return {
    'ratelimit-policy': rateLimitPolicyHeader(limit, windowSeconds),
    ratelimit: `"${RATE_LIMIT_POLICY_NAME}";r=${Math.max(0, decision.remaining)};t=${Math.ceil(Math.max(0, decision.resetMs) / 1000)}`,
  };
}

/** Whole seconds a refused client waits: never 0 (a client would retry at once). */
export const retryAfterSeconds = (decision: RateLimitDecision) => Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
