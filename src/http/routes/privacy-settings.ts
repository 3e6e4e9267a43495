// GET / PUT /api/v1/health/privacy-settings (CONTRACT §6).
import { validatePrivacySettingsBody } from '../../domain/privacy-schema.ts';
import { ProblemError } from '../../domain/problems.ts';
import type { PrivacySettingsService } from '../../privacy/privacy-settings.ts';
import { USER_SECURITY, type UserApi } from '../plugins/auth.ts';
import { readJsonBody } from '../plugins/json-body.ts';
import { withDeadline } from '../deadline.ts';
import { PrivacySettingsBody } from '../../domain/privacy-schema.ts';
import { jsonAnswer } from '../openapi-responses.ts';

const PRIVACY_BODY_MAX_BYTES = 64 * 1024;

export function privacySettingsRoute(app: UserApi, privacy: PrivacySettingsService, now: () => number): void {
  app
    .get('/api/v1/health/privacy-settings', ({ userId }) => withDeadline(privacy.get(userId)), {
      detail: {
        summary: "The user's privacy settings",
        tags: ['privacy'],
        security: USER_SECURITY,
        responses: { 200: jsonAnswer('The settings (defaults when never set)', PrivacySettingsBody) },
      },
    })
    .put(
      '/api/v1/health/privacy-settings',
      async ({ request, userId }) => {
        const receivedAt = new Date(now());
        const checked = validatePrivacySettingsBody(await readJsonBody(request, PRIVACY_BODY_MAX_BYTES));
        if (!checked.ok) {
          throw new ProblemError('VALIDATION_FAILED', 'invalid privacy settings', { errors: checked.errors });
        }
        return withDeadline(privacy.replace(userId, checked.value, receivedAt));
      },
      {
        parse: 'none',
        detail: {
          summary: "Replace the user's privacy settings",
          tags: ['privacy'],
          security: USER_SECURITY,
          // documented only: the body is read by hand (gzip/zstd, a cap)
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: PrivacySettingsBody as object,
                examples: { blockHeartRate: { value: { syncEnabled: true, blockedMetrics: ['heart_rate'] } } },
              },
            },
          },
          responses: {
            200: jsonAnswer('The settings as stored (canonical metric codes)', PrivacySettingsBody),
            400: { description: 'Invalid settings, or an unknown metric' },
            409: { description: "DATA_ERASED: an erasure of the user's data runs (or started after this request arrived); nothing changed, retry after it" },
          },
        },
      },
    );
}
