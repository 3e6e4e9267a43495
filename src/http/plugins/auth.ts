// Bearer JWT → userId for the user routes (CONTRACT §2). Runs before body or query validation,
// so an anonymous caller learns nothing about the shape of the API. Applied once, to the group
// every /api/v1/health route is added to (userApiGroup).
import { Elysia } from 'elysia';
import type { UserTokens } from '../../auth/user-tokens.ts';
import { ProblemError } from '../../domain/problems.ts';

export function userAuthPlugin(tokens: UserTokens) {
  return new Elysia({ name: 'user-auth' }).derive({ as: 'scoped' }, async ({ request }) => {
    const header = request.headers.get('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    const userId = match ? await tokens.verify(match[1]!) : null;
    if (userId === null) {
      throw new ProblemError('UNAUTHORIZED', 'a valid Bearer token is required', {}, { 'www-authenticate': 'Bearer' });
    }
    return { userId };
  });
}

/** The group of the user API: the routes added to it (route files take it as `app`) are authenticated once, here. */
export function userApiGroup(tokens: UserTokens) {
  return new Elysia().use(userAuthPlugin(tokens));
}
export type UserApi = ReturnType<typeof userApiGroup>;

/** OpenAPI security of a user route (documented where a route declares its own). */
export const USER_SECURITY = [{ bearer: [] as string[] }];
