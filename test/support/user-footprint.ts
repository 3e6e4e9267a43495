// Everything the database holds of one user, table by table: every table of the migrated schema
// with a user_id column (read from information_schema, so a new table is counted without being
// named here), and the user's outbox events by type.
import type { Sql } from '../../src/db/client.ts';

export async function tablesWithUserId(sql: Sql): Promise<string[]> {
  const rows = await sql`SELECT table_name FROM information_schema.columns
                         WHERE table_schema = 'public' AND column_name = 'user_id' ORDER BY table_name`;
  return rows.map((row) => String(row.table_name));
}

/** rows of the user per table (tables without any are left out) */
export async function userFootprint(sql: Sql, userId: string): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of await tablesWithUserId(sql)) {
    const [row] = await sql.unsafe(`SELECT count(*)::int AS n FROM "${table}" WHERE user_id = $1`, [userId]);
    if (row!.n > 0) counts[table] = row!.n;
  }
  return counts;
}

export async function outboxEventTypes(sql: Sql, userId: string): Promise<string[]> {
  const rows = await sql`SELECT event_type FROM outbox_events WHERE user_id = ${userId} ORDER BY id`;
  return rows.map((row) => String(row.event_type));
}
