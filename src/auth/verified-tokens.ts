// Tokens already verified, remembered until they expire (mobile clients send one token many
// times, and a signature check costs more than the rest of a small request). A hit needs the
// exact signed text, so it proves what the verification did; bounded memory, oldest out first.

/** Verified tokens remembered per process. */
export const VERIFIED_CACHE_SIZE = 10_000;

export interface VerifiedTokens {
  /** the user of a token verified before and not yet expired; undefined when it must be verified */
  get(token: string): string | null | undefined;
  remember(token: string, userId: string, expiresAtMs: number): void;
  readonly size: number;
}

export function verifiedTokens(now: () => number): VerifiedTokens {
  const verified = new Map<string, { userId: string; expiresAtMs: number }>();
  return {
    get(token) {
      const hit = verified.get(token);
      if (!hit) return undefined;
      if (hit.expiresAtMs > now()) return hit.userId;
      verified.delete(token);
      return null;
    },
    remember(token, userId, expiresAtMs) {
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
      verified.set(token, { userId, expiresAtMs });
    },
    get size() {
      return verified.size;
    },
  };
}
