// The export's cursor must stream from the first row: for a user who holds most of the table the
// planner, costing all rows, sorts the user's rows before giving any (seconds per million rows,
// spilling to disk). The export pool's session settings take full sorts and JIT away, so the
// statement walks the index whose order is the export's, (metric, start), and sorts only the rows
// that share a start (an incremental sort: rows leave it as each group is complete).
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { statement } from '../../../src/db/sql-files.ts';
import { EXPORT_SESSION_SETTINGS } from '../../../src/export/sample-export.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { seedSamples } from '../../support/seed-samples.ts';

let db: TestDatabase;
const userId = crypto.randomUUID();

beforeAll(async () => {
  db = await createTestDatabase({ poolSize: 2 });
  await seedSamples(db.sql, userId, 100_000);
  await db.sql`ANALYZE health_samples`;
});
afterAll(() => db.drop());

/** A Sort node (one that takes every row before giving the first); an Incremental Sort is not one. */
const FULL_SORT = /(^|->)\s*Sort\s+\(cost/m;

async function plan(settings: Record<string, string>): Promise<string> {
  return db.sql.begin(async (tx) => {
    for (const [name, value] of Object.entries(settings)) await tx`SELECT set_config(${name}, ${value}, true)`;
    const rows = await tx.unsafe(`EXPLAIN ${statement('export/export_samples')}`, [userId]);
    return rows.map((row) => String(row['QUERY PLAN'])).join('\n');
  }) as Promise<string>;
}

test('without the settings the planner would sort the user\'s rows first (the trap is real here)', async () => {
  expect(await plan({ jit: 'off' })).toMatch(FULL_SORT);
});

test('on the export pool\'s sessions the statement walks health_samples_live_by_metric_time: no full sort, no JIT', async () => {
  const chosen = await plan(EXPORT_SESSION_SETTINGS);
  expect(chosen).toContain('Index Scan using health_samples_live_by_metric_time');
  expect(chosen).not.toMatch(FULL_SORT);
  expect(chosen).toContain('Presorted Key: metric_code, start_at');
  expect(chosen).not.toContain('JIT');
});
