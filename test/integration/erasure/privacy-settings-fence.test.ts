// A privacy settings change is a write of the user behind the erasure fence (CONTRACT §10: an
// erasure resets the privacy settings; src/privacy/privacy-settings.ts): refused with 409
// DATA_ERASED while an erasure runs or when one started at or after the request arrived, and one
// that waits for an erasure's transaction holding the user's lock sees that erasure. Sent after a
// completed erasure, it is stored.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import { ProblemError } from '../../../src/domain/problems.ts';
import { getPrivacySettings, replacePrivacySettings } from '../../../src/privacy/privacy-settings.ts';
import { lockUser } from '../../../src/erasure/queries.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const T = Date.parse('2026-11-21T00:00:00Z');
const BLOCK_WEIGHT = { syncEnabled: false, blockedMetrics: ['weight'] };
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 4 });
});
afterAll(() => db.drop());

const erasureRow = (userId: string, status: 'running' | 'completed', startedAtMs: number) => db.sql`
  INSERT INTO user_erasures (id, user_id, status, requested_by, started_at, finished_at)
  VALUES (${crypto.randomUUID()}, ${userId}, ${status}, 'user', ${new Date(startedAtMs)}, ${status === 'completed' ? new Date(startedAtMs + 1000) : null})`;

const stored = async (userId: string) => (await db.sql`SELECT count(*)::int AS n FROM health_privacy_settings WHERE user_id = ${userId}`)[0]!.n;

async function refusal(attempt: Promise<unknown>): Promise<ProblemError> {
  const error = await attempt.then(() => null, (e: unknown) => e);
  expect(error).toBeInstanceOf(ProblemError);
  return error as ProblemError;
}

test('while an erasure of the user runs: 409 DATA_ERASED with Retry-After, nothing stored', async () => {
  const userId = crypto.randomUUID();
  await erasureRow(userId, 'running', T - 60_000);
  const problem = await refusal(replacePrivacySettings(db.sql, defaultCatalog, userId, BLOCK_WEIGHT, new Date(T)));
  expect(problem.code).toBe('DATA_ERASED');
  expect(problem.headers).toMatchObject({ 'retry-after': expect.any(String) });
  expect(await stored(userId)).toBe(0);
});

test('arrived before an erasure that started later: refused, the erasure wins', async () => {
  const userId = crypto.randomUUID();
  await erasureRow(userId, 'completed', T + 1);
  expect((await refusal(replacePrivacySettings(db.sql, defaultCatalog, userId, BLOCK_WEIGHT, new Date(T)))).code).toBe('DATA_ERASED');
  expect(await stored(userId)).toBe(0);
});

test("a change that waits for an erasure's transaction holding the user's lock sees the erasure once it commits", async () => {
  const userId = crypto.randomUUID();
  await replacePrivacySettings(db.sql, defaultCatalog, userId, { syncEnabled: true, blockedMetrics: [] }, new Date(T - 120_000));
  let change: Promise<unknown> | undefined;
  // the erasure's final transaction (erasure/lock_user first): resets the settings under the lock
  await db.sql.begin(async (tx) => {
    await lockUser(tx, userId);
    change = replacePrivacySettings(db.sql, defaultCatalog, userId, BLOCK_WEIGHT, new Date(T));
    change.catch(() => {});
    await Bun.sleep(200); // the change is sent and waits for the lock
    await tx`DELETE FROM health_privacy_settings WHERE user_id = ${userId}`;
    await tx`INSERT INTO user_erasures (id, user_id, status, requested_by, started_at, finished_at)
             VALUES (${crypto.randomUUID()}, ${userId}, 'completed', 'user', ${new Date(T)}, ${new Date(T + 1000)})`;
  });
  expect((await refusal(change!)).code).toBe('DATA_ERASED');
  expect(await getPrivacySettings(db.sql, userId)).toEqual({ syncEnabled: true, blockedMetrics: [] });
});

test('arrived after a completed erasure: stored as usual', async () => {
  const userId = crypto.randomUUID();
  await erasureRow(userId, 'completed', T - 60_000);
  expect(await replacePrivacySettings(db.sql, defaultCatalog, userId, BLOCK_WEIGHT, new Date(T))).toEqual(BLOCK_WEIGHT);
  expect(await getPrivacySettings(db.sql, userId)).toEqual(BLOCK_WEIGHT);
});
