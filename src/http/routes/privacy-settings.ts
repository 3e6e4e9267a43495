// GET / PUT /api/v1/health/privacy-settings (CONTRACT §6).
import { Elysia } from 'elysia';
import type { UserTokens } from '../../auth/user-tokens.ts';
import type { Sql } from '../../db/client.ts';
import { validatePrivacySettingsBody } from '../../domain/batch-schema.ts';
import type { MetricCatalog } from '../../domain/catalog.ts';
import { ProblemError } from '../../domain/problems.ts';
import { getPrivacySettings, replacePrivacySettings } from '../../privacy/privacy-settings.ts';
import { userAuthPlugin } from '../plugins/auth.ts';
import { readJsonBody } from '../plugins/json-body.ts';
import { withDeadline } from '../deadline.ts';

const PRIVACY_BODY_MAX_BYTES = 64 * 1024;

export function privacySettingsRoute(db: Sql, catalog: MetricCatalog, tokens: UserTokens) {
  return new Elysia()
    .use(userAuthPlugin(tokens))
    .get('/api/v1/health/privacy-settings', ({ userId }) => withDeadline(getPrivacySettings(db, userId)), {
      detail: { summary: "The user's privacy settings", tags: ['privacy'] },
    })
    .put(
      '/api/v1/health/privacy-settings',
      async ({ request, userId }) => {
        const checked = validatePrivacySettingsBody(await readJsonBody(request, PRIVACY_BODY_MAX_BYTES));
        if (!checked.ok) {
          throw new ProblemError('VALIDATION_FAILED', 'invalid privacy settings', { errors: checked.errors });
        }
        return withDeadline(replacePrivacySettings(db, catalog, userId, checked.value));
      },
      { parse: 'none', detail: { summary: "Replace the user's privacy settings", tags: ['privacy'] } },
    );
}
