// Bearer JWT → userId for the user routes (CONTRACT §2). Runs before body or query validation,
// so an anonymous caller learns nothing about the shape of the API.
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
