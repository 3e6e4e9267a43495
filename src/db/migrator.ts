// Forward-only migrations over sql/migrations/NNNN_name.sql.
// Each file is applied in its own transaction under a transaction-level advisory lock, so replicas
// starting together apply each file once. A checksum per file makes an edited, already applied
// migration an error instead of a silent drift.
import postgres from 'postgres';
import { createHash } from 'node:crypto';
import { run, type Sql } from './client.ts';
import { migrationFiles, statement, type MigrationFile } from './sql-files.ts';

const CREATE_TABLE = statement('migrations/create_migrations_table');
const LOCK = statement('migrations/lock_migrations');
const LIST_APPLIED = statement('migrations/list_applied');
const TABLE_EXISTS = statement('migrations/migrations_table_exists');
const RECORD = statement('migrations/record_migration');
const DATABASE_EXISTS = statement('migrations/database_exists');
const CREATE_DATABASE = statement('migrations/create_database');

export interface MigrationStatus {
  applied: number[];
  pending: string[];
  /** applied files whose text changed since */
  changed: string[];
  /** applied versions this code does not know (the schema is newer than the code) */
  unknown: number[];
}

const checksum = (text: string) => createHash('sha256').update(text).digest('hex');

interface AppliedRow {
  version: number;
  name: string;
  checksum: string;
}

export async function migrationStatus(sql: Sql, files: MigrationFile[] = migrationFiles()): Promise<MigrationStatus> {
  const [table] = await run<{ exists: boolean }>(sql, TABLE_EXISTS);
  const applied = table?.exists ? await run<AppliedRow>(sql, LIST_APPLIED) : [];
  return compare(files, applied);
}

function compare(files: MigrationFile[], applied: AppliedRow[]): MigrationStatus {
  const byVersion = new Map(applied.map((row) => [row.version, row]));
  const known = new Set(files.map((file) => file.version));
  return {
    applied: applied.map((row) => row.version),
    pending: files.filter((file) => !byVersion.has(file.version)).map((file) => file.name),
    changed: files
      .filter((file) => {
        const row = byVersion.get(file.version);
        return row !== undefined && row.checksum !== checksum(file.text);
      })
      .map((file) => file.name),
    unknown: applied.filter((row) => !known.has(row.version)).map((row) => row.version),
  };
}

/** A one-line problem with the schema, or null when it matches this code exactly. */
export function describeMismatch(status: MigrationStatus): string | null {
  if (status.changed.length > 0) return `applied migrations were edited since: ${status.changed.join(', ')}`;
  if (status.unknown.length > 0) return `database has migrations this code does not know: ${status.unknown.join(', ')}`;
  if (status.pending.length > 0) return `pending migrations: ${status.pending.join(', ')} (run \`bun run cli migrate\`)`;
  return null;
}

/** Applies every pending migration; returns the names applied. Refuses edited applied files. */
export async function migrate(sql: Sql, files: MigrationFile[] = migrationFiles()): Promise<string[]> {
  await sql.begin(async (tx) => {
    await run(tx, LOCK);
    await run(tx, CREATE_TABLE);
  });
  const appliedNow: string[] = [];
  for (const file of files) {
    const done = await sql.begin(async (tx) => {
      await run(tx, LOCK);
      const status = compare(files, await run<AppliedRow>(tx, LIST_APPLIED));
      if (status.changed.length > 0) {
        throw new Error(`refusing to migrate: applied migrations were edited since: ${status.changed.join(', ')}`);
      }
      if (!status.pending.includes(file.name)) return false;
      await tx.unsafe(file.text);
      await run(tx, RECORD, [file.version, file.name, checksum(file.text)]);
      return true;
    });
    if (done) appliedNow.push(file.name);
  }
  return appliedNow;
}

const quoteIdentifier = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** Creates the database named in `url` when it does not exist, via the `postgres` maintenance db. */
export async function ensureDatabase(url: string): Promise<boolean> {
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.replace(/^\//, ''));
  if (!name) throw new Error('DATABASE_URL names no database');
  const maintenance = new URL(url);
  maintenance.pathname = '/postgres';
  const admin = postgres(maintenance.toString(), { max: 1, connect_timeout: 3, onnotice: () => {} });
  try {
    const [row] = await admin.unsafe(DATABASE_EXISTS, [name]);
    if (row?.exists) return false;
    try {
      await admin.unsafe(CREATE_DATABASE.replaceAll(':database_identifier', quoteIdentifier(name)));
    } catch (error) {
      // another replica created it between our check and our CREATE
      if ((error as { code?: string }).code !== '42P04') throw error;
      return false;
    }
    return true;
  } finally {
    await admin.end({ timeout: 1 });
  }
}
