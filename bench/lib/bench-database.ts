// A fresh database per bench run (dropped and re-created, then migrated).
import postgres from 'postgres';
import { createDb, type Sql } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrator.ts';
import { textOption } from './args.ts';

export const BENCH_SERVER_URL = textOption('--database-server-url', 'postgres://postgres@127.0.0.1:5432');

export async function freshBenchDatabase(name: string, poolSize = 8): Promise<{ url: string; sql: Sql; serverVersion: string }> {
  return freshDatabaseOn(BENCH_SERVER_URL, name, poolSize);
}

/** The same on another server (a bench's private cluster): `serverUrl` has no database part. */
export async function freshDatabaseOn(serverUrl: string, name: string, poolSize = 8): Promise<{ url: string; sql: Sql; serverVersion: string }> {
  const admin = postgres(`${serverUrl}/postgres`, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  const url = `${serverUrl}/${name}`;
  const sql = createDb(url, { max: poolSize, statementTimeoutMs: 60_000 });
  await migrate(sql);
  const [row] = await sql.unsafe('SHOW server_version');
  return { url, sql, serverVersion: String(row!.server_version).split(' ')[0]! };
}
