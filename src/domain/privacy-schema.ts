// The body of PUT /api/v1/health/privacy-settings (CONTRACT §6), checked for its shape. That every
// blocked metric is one the catalog knows is the service's check (privacy/privacy-settings.ts),
// which also stores them as canonical codes.
import { Type, type Static } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { IssueList, Text, type Validated } from './validation.ts';

export const PrivacySettingsBody = Type.Object(
  {
    syncEnabled: Type.Boolean(),
    blockedMetrics: Type.Array(Text(1, 128), { maxItems: 200 }),
  },
  { additionalProperties: true },
);
export type PrivacySettingsBodyT = Static<typeof PrivacySettingsBody>;

const privacyChecker = TypeCompiler.Compile(PrivacySettingsBody);

export function validatePrivacySettingsBody(body: unknown): Validated<PrivacySettingsBodyT> {
  if (privacyChecker.Check(body)) return { ok: true, value: body };
  const issues = new IssueList();
  issues.addSchemaErrors(privacyChecker.Errors(body));
  return { ok: false, errors: issues.list() };
}
