// Operators erase a user's data (CONTRACT §10), in the admin group; the audit record names the
// admin key by its fingerprint (the first 16 hex digits of its SHA-256), never the key.
//   DELETE /admin/users/{userId}/data                          → 202 the erasure
//   GET    /admin/users/{userId}/data/erasures/{erasureId}     → 200 its state, who asked, rows per table
import { t } from 'elysia';
import { AdminErasureBody } from '../../domain/erasure/erasure-schema.ts';
import { ProblemBody } from '../../domain/problem-schema.ts';
import { ProblemError } from '../../domain/problems.ts';
import { UUID_PATTERN } from '../../domain/types.ts';
import { adminErasureBody, type UserDataErasures } from '../../erasure/erasure-requests.ts';
import { ADMIN_SECURITY, type AdminApi } from '../plugins/admin-auth.ts';
import { withDeadline } from '../deadline.ts';

const tags = ['user data'];
const UUID = new RegExp(UUID_PATTERN);

export const adminKeyFingerprint = (key: string) => new Bun.CryptoHasher('sha256').update(key).digest('hex').slice(0, 16);

function checkedUserId(userId: string): string {
  if (!UUID.test(userId)) {
    throw new ProblemError('VALIDATION_FAILED', 'userId must be a UUID', { errors: [{ path: '/userId', message: 'Expected a UUID' }] });
  }
  return userId.toLowerCase();
}

export function adminUserDataRoute(app: AdminApi, erasures: UserDataErasures): void {
  app
    .delete(
      '/admin/users/:userId/data',
      async ({ params, adminKey, set }) => {
        const userId = checkedUserId(params.userId);
        const { erasure } = await withDeadline(erasures.request(userId, { kind: 'admin', keyFingerprint: adminKeyFingerprint(adminKey) }));
        set.status = 202;
        set.headers.location = `/admin/users/${userId}/data/erasures/${erasure.id}`;
        return adminErasureBody(erasure);
      },
      {
        params: t.Object({ userId: t.String() }),
        response: { 202: AdminErasureBody, 400: ProblemBody, 401: ProblemBody, 503: ProblemBody },
        detail: { summary: "Erase all of a user's health data (as DELETE /api/v1/health/data does)", tags, security: ADMIN_SECURITY },
      },
    )
    .get(
      '/admin/users/:userId/data/erasures/:erasureId',
      async ({ params }) => {
        const erasure = await withDeadline(erasures.get(checkedUserId(params.userId), params.erasureId));
        if (!erasure) throw new ProblemError('NOT_FOUND', 'no erasure with this id for this user');
        return adminErasureBody(erasure);
      },
      {
        params: t.Object({ userId: t.String(), erasureId: t.String() }),
        response: { 200: AdminErasureBody, 400: ProblemBody, 401: ProblemBody, 404: ProblemBody, 503: ProblemBody },
        detail: { summary: 'An erasure of a user\'s data: its state, who asked, rows deleted per table (the audit record)', tags, security: ADMIN_SECURITY },
      },
    );
}
