// Per-user privacy settings (CONTRACT §6). Read on every upload, never cached, so a change
// applies to the very next one. Blocked metrics are stored as canonical codes.
import { run, type Queryable } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';
import { resolveMetric } from '../domain/catalog/catalog.ts';
import type { MetricCatalog } from '../domain/catalog/catalog-types.ts';
import { ProblemError } from '../domain/problems.ts';

const GET_SETTINGS = statement('privacy/get_settings');
const REPLACE_SETTINGS = statement('privacy/replace_settings');

export interface PrivacySettings {
  syncEnabled: boolean;
  blockedMetrics: string[];
}

export const DEFAULT_PRIVACY_SETTINGS: PrivacySettings = Object.freeze({ syncEnabled: true, blockedMetrics: [] });

export async function getPrivacySettings(db: Queryable, userId: string): Promise<PrivacySettings> {
  const [row] = await run<{ sync_enabled: boolean; blocked_metrics: string[] }>(db, GET_SETTINGS, [userId]);
  return row ? { syncEnabled: row.sync_enabled, blockedMetrics: row.blocked_metrics } : { ...DEFAULT_PRIVACY_SETTINGS, blockedMetrics: [] };
}

export async function replacePrivacySettings(
  db: Queryable,
  catalog: MetricCatalog,
  userId: string,
  wanted: PrivacySettings,
): Promise<PrivacySettings> {
  const canonical = new Set<string>();
  const errors: { path: string; message: string }[] = [];
  wanted.blockedMetrics.forEach((code, index) => {
    const metric = resolveMetric(catalog, code);
    if (metric) canonical.add(metric.code);
    else errors.push({ path: `/blockedMetrics/${index}`, message: `unknown metric code "${code}"` });
  });
  if (errors.length > 0) throw new ProblemError('VALIDATION_FAILED', 'blockedMetrics names unknown metrics', { errors });
  const [row] = await run<{ sync_enabled: boolean; blocked_metrics: string[] }>(db, REPLACE_SETTINGS, [
    userId,
    wanted.syncEnabled,
    [...canonical].sort(),
  ]);
  return { syncEnabled: row!.sync_enabled, blockedMetrics: row!.blocked_metrics };
}

/** A user's privacy settings, bound to a pool and the catalog (what the HTTP routes receive). */
export interface PrivacySettingsService {
  get(userId: string): Promise<PrivacySettings>;
  /** replaces them; unknown metric codes are a VALIDATION_FAILED problem */
  replace(userId: string, wanted: PrivacySettings): Promise<PrivacySettings>;
}

export function privacySettingsService(db: Queryable, catalog: MetricCatalog): PrivacySettingsService {
  return {
    get: (userId) => getPrivacySettings(db, userId),
    replace: (userId, wanted) => replacePrivacySettings(db, catalog, userId, wanted),
  };
}
