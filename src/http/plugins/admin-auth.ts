// Admin routes (/admin/*): header X-Api-Key must be one of ADMIN_API_KEYS (CONTRACT §2).
// Keys are compared in constant time (as SHA-256 digests, so lengths leak nothing either);
// with no keys configured, every admin request is refused, saying so. Runs before validation (derive).
// Applied once, to the group every /admin route is added to (adminApiGroup).
import { Elysia } from 'elysia';
import { timingSafeEqual } from 'node:crypto';
import { ProblemError } from '../../domain/problems.ts';

const digest = (key: string) => new Bun.CryptoHasher('sha256').update(key).digest();

export function adminAuthPlugin(adminApiKeys: readonly string[]) {
  const allowed = adminApiKeys.map(digest);
  return new Elysia({ name: 'admin-auth', seed: adminApiKeys.length }).derive({ as: 'scoped' }, ({ request }) => {
    const sent = request.headers.get('x-api-key');
    const candidate = digest(sent ?? '');
    // compare against every key, always, so timing does not reveal which one matched
    let ok = false;
    for (const key of allowed) ok = timingSafeEqual(key, candidate) || ok;
    if (allowed.length === 0) throw new ProblemError('UNAUTHORIZED', 'admin endpoints are disabled: no key is configured (ADMIN_API_KEYS)');
    if (sent === null || !ok) throw new ProblemError('UNAUTHORIZED', 'a valid X-Api-Key header is required');
    /** the key that opened the request (the console signs its Bull Board session with it) */
    return { admin: true as const, adminKey: sent };
  });
}

/** The group of the admin API: the routes added to it are authenticated once, here. */
export function adminApiGroup(adminApiKeys: readonly string[]) {
  return new Elysia().use(adminAuthPlugin(adminApiKeys));
}
export type AdminApi = ReturnType<typeof adminApiGroup>;

/** OpenAPI security of every admin route. */
export const ADMIN_SECURITY = [{ adminApiKey: [] as string[] }];
