// GET / PUT /api/v1/health/privacy-settings (CONTRACT §6).
import { validatePrivacySettingsBody } from '../../domain/privacy-schema.ts';
import { ProblemError } from '../../domain/problems.ts';
import type { PrivacySettingsService } from '../../privacy/privacy-settings.ts';
import type { UserApi } from '../plugins/auth.ts';
import { readJsonBody } from '../plugins/json-body.ts';
import { withDeadline } from '../deadline.ts';

const PRIVACY_BODY_MAX_BYTES = 64 * 1024;

export function privacySettingsRoute(app: UserApi, privacy: PrivacySettingsService): void {
  app
    .get('/api/v1/health/privacy-settings', ({ userId }) => withDeadline(privacy.get(userId)), {
      detail: { summary: "The user's privacy settings", tags: ['privacy'] },
    })
    .put(
      '/api/v1/health/privacy-settings',
      async ({ request, userId }) => {
        const checked = validatePrivacySettingsBody(await readJsonBody(request, PRIVACY_BODY_MAX_BYTES));
        if (!checked.ok) {
          throw new ProblemError('VALIDATION_FAILED', 'invalid privacy settings', { errors: checked.errors });
        }
        return withDeadline(privacy.replace(userId, checked.value));
      },
      { parse: 'none', detail: { summary: "Replace the user's privacy settings", tags: ['privacy'] } },
    );
}
