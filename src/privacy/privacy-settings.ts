// Per-user privacy settings (CONTRACT §6). Read on every upload, never cached, so a change
// applies to the very next one. Blocked metrics are stored as canonical codes.
//
// A change is a write of the user like an upload: under the user's write lock, behind the erasure
// fence (CONTRACT §10, "erasure resets the privacy settings"). Without them a PUT that landed while
// an erasure ran could commit after the erasure's final transaction had reset the settings, and
// survive it.
import { run, type Queryable, type Sql } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';
import { resolveMetric } from '../domain/catalog/catalog.ts';
import type { MetricCatalog } from '../domain/catalog/catalog-types.ts';
import { RETRY_AFTER_SECONDS } from '../domain/ingest/idempotency.ts';
import { ProblemError, retryLater } from '../domain/problems.ts';
import { erasureFenced } from '../ingest/erasure-fence.ts';

const GET_SETTINGS = statement('privacy/get_settings');
const REPLACE_SETTINGS = statement('privacy/replace_settings');
const LOCK_USER_FOR_SETTINGS = statement('privacy/lock_user_for_settings');

export interface PrivacySettings {
  syncEnabled: boolean;
  blockedMetrics: string[];
}

export const DEFAULT_PRIVACY_SETTINGS: PrivacySettings = Object.freeze({ syncEnabled: true, blockedMetrics: [] });

export async function getPrivacySettings(db: Queryable, userId: string): Promise<PrivacySettings> {
  const [row] = await run<{ sync_enabled: boolean; blocked_metrics: string[] }>(db, GET_SETTINGS, [userId]);
  return row ? { syncEnabled: row.sync_enabled, blockedMetrics: row.blocked_metrics } : { ...DEFAULT_PRIVACY_SETTINGS, blockedMetrics: [] };
}

/**
 * Replaces the settings; `receivedAt` is when the request arrived. 409 DATA_ERASED (nothing
 * changed) while an erasure of the user runs, or when one started at or after `receivedAt`, as for
 * uploads.
 */
export async function replacePrivacySettings(
  db: Sql,
  catalog: MetricCatalog,
  userId: string,
  wanted: PrivacySettings,
  receivedAt: Date,
): Promise<PrivacySettings> {
  const canonical = new Set<string>();
  const errors: { path: string; message: string }[] = [];
  wanted.blockedMetrics.forEach((code, index) => {
    const metric = resolveMetric(catalog, code);
    if (metric) canonical.add(metric.code);
    else errors.push({ path: `/blockedMetrics/${index}`, message: `unknown metric code "${code}"` });
  });
  if (errors.length > 0) throw new ProblemError('VALIDATION_FAILED', 'blockedMetrics names unknown metrics', { errors });
  const blockedMetrics = [...canonical].sort();
  return db.begin(async (tx) => {
    // pipelined: the fence check's own statement, so its snapshot is taken once the lock is held
    // (a postgres.js query goes out when it is first awaited or given a handler: the lock first)
    const locked = run(tx, LOCK_USER_FOR_SETTINGS, [userId]);
    locked.catch(() => {});
    const fenced = erasureFenced(tx, userId, receivedAt);
    fenced.catch(() => {}); // a failed lock fails it too: the lock's error is the one thrown
    await locked;
    if (await fenced) throw settingsErased();
    const [row] = await run<{ sync_enabled: boolean; blocked_metrics: string[] }>(tx, REPLACE_SETTINGS, [userId, wanted.syncEnabled, blockedMetrics]);
    return { syncEnabled: row!.sync_enabled, blockedMetrics: row!.blocked_metrics };
  });
}

/** The fence held: nothing changed; sent again after the erasure, the settings are stored. */
function settingsErased(): ProblemError {
  return retryLater(
    'DATA_ERASED',
    "the user's data is being erased, or was erased after this request arrived: the privacy settings were not changed; send them again after the erasure",
    RETRY_AFTER_SECONDS,
  );
}

/** A user's privacy settings, bound to a pool and the catalog (what the HTTP routes receive). */
export interface PrivacySettingsService {
  get(userId: string): Promise<PrivacySettings>;
  /** replaces them; unknown metric codes are a VALIDATION_FAILED problem, an erasure's fence DATA_ERASED */
  replace(userId: string, wanted: PrivacySettings, receivedAt: Date): Promise<PrivacySettings>;
}

export function privacySettingsService(db: Sql, catalog: MetricCatalog): PrivacySettingsService {
  return {
    get: (userId) => getPrivacySettings(db, userId),
    replace: (userId, wanted, receivedAt) => replacePrivacySettings(db, catalog, userId, wanted, receivedAt),
  };
}
