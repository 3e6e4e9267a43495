// The migrator against a real PostgreSQL, each case on an empty database of its own and a folder
// of small migrations: files apply once, in order, each atomically; an applied file that was
// edited, two files of one version, and a schema newer than the code are refused with one line
// that says what to do; two migrators started together apply every file once.
import { afterEach, describe, expect, test } from 'bun:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDb } from '../../../src/db/client.ts';
import { describeMismatch, migrate, migrationStatus } from '../../../src/db/migrator.ts';
import { migrationFiles } from '../../../src/db/sql-files.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function emptyDatabase(): Promise<TestDatabase> {
  const db = await createTestDatabase({ empty: true, poolSize: 4 });
  cleanups.push(() => db.drop());
  return db;
}

/** A migrations folder holding `files` (name → text); returns its path. */
function migrationsFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'hi-migrations-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

const FIRST = 'CREATE TABLE widgets (id integer PRIMARY KEY);';
const SECOND = "INSERT INTO widgets VALUES (1); CREATE TABLE gadgets (name text NOT NULL DEFAULT 'g');";
const THIRD = 'ALTER TABLE gadgets ADD COLUMN size integer;';

const tables = async (db: TestDatabase) =>
  (await db.sql.unsafe("SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")).map((row) => row.tablename as string);

describe('applying', () => {
  test('pending files apply in version order, once; the second run applies nothing', async () => {
    const db = await emptyDatabase();
    const files = migrationFiles(migrationsFolder({ '0002_gadgets.sql': SECOND, '0001_widgets.sql': FIRST }));
    expect(await migrationStatus(db.sql, files)).toEqual({ applied: [], pending: ['0001_widgets.sql', '0002_gadgets.sql'], changed: [], unknown: [] });
    expect(await migrate(db.sql, files)).toEqual(['0001_widgets.sql', '0002_gadgets.sql']);
    expect(await migrate(db.sql, files)).toEqual([]);
    expect(await migrationStatus(db.sql, files)).toEqual({ applied: [1, 2], pending: [], changed: [], unknown: [] });
    expect(describeMismatch(await migrationStatus(db.sql, files))).toBeNull();
    expect((await db.sql.unsafe('SELECT count(*)::int AS n FROM widgets'))[0]!.n).toBe(1);
  });

  test('a file that fails leaves nothing of itself behind; the files before it stay applied', async () => {
    const db = await emptyDatabase();
    const files = migrationFiles(
      migrationsFolder({ '0001_widgets.sql': FIRST, '0002_broken.sql': 'CREATE TABLE half_done (id integer); SELECT no_such_column FROM widgets;' }),
    );
    await expect(migrate(db.sql, files)).rejects.toThrow(/no_such_column/);
    expect(await tables(db)).toEqual(['schema_migrations', 'widgets']);
    expect((await migrationStatus(db.sql, files)).pending).toEqual(['0002_broken.sql']);
  });
});

describe('refusals', () => {
  test('an applied file that was edited since is refused, and nothing after it is applied', async () => {
    const db = await emptyDatabase();
    await migrate(db.sql, migrationFiles(migrationsFolder({ '0001_widgets.sql': FIRST })));
    const edited = migrationFiles(migrationsFolder({ '0001_widgets.sql': `${FIRST}\n-- one more line`, '0002_gadgets.sql': SECOND }));
    const status = await migrationStatus(db.sql, edited);
    expect(status.changed).toEqual(['0001_widgets.sql']);
    expect(describeMismatch(status)).toBe('applied migrations were edited since: 0001_widgets.sql');
    await expect(migrate(db.sql, edited)).rejects.toThrow('refusing to migrate: applied migrations were edited since: 0001_widgets.sql');
    expect(await tables(db)).not.toContain('gadgets');
  });

  test('two files of one version, or a file not named NNNN_name.sql, are refused before anything runs', () => {
    expect(() => migrationFiles(migrationsFolder({ '0001_widgets.sql': FIRST, '0001_gadgets.sql': SECOND }))).toThrow('two migrations share version 1');
    expect(() => migrationFiles(migrationsFolder({ '1_widgets.sql': FIRST }))).toThrow('migration file name must look like 0001_name.sql: 1_widgets.sql');
  });

  test('pending files and a schema newer than the code are named, with what to do', async () => {
    const db = await emptyDatabase();
    const all = migrationFiles(migrationsFolder({ '0001_widgets.sql': FIRST, '0002_gadgets.sql': SECOND, '0003_sizes.sql': THIRD }));
    await migrate(db.sql, all.slice(0, 1));
    expect(describeMismatch(await migrationStatus(db.sql, all))).toBe(
      'pending migrations: 0002_gadgets.sql, 0003_sizes.sql (run `bun run cli migrate`)',
    );
    await migrate(db.sql, all);
    const older = await migrationStatus(db.sql, all.slice(0, 2));
    expect(older.unknown).toEqual([3]);
    expect(describeMismatch(older)).toBe('database has migrations this code does not know: 3');
  });
});

test('two migrators started together apply every file exactly once', async () => {
  const db = await emptyDatabase();
  const files = migrationFiles(migrationsFolder({ '0001_widgets.sql': FIRST, '0002_gadgets.sql': SECOND, '0003_sizes.sql': THIRD }));
  const other = createDb(db.url, { max: 2 });
  cleanups.push(() => other.end({ timeout: 5 }));
  const [a, b] = await Promise.all([migrate(db.sql, files), migrate(other, files)]);
  expect([...a, ...b].sort()).toEqual(['0001_widgets.sql', '0002_gadgets.sql', '0003_sizes.sql']);
  expect((await db.sql.unsafe('SELECT count(*)::int AS n FROM widgets'))[0]!.n).toBe(1);
  expect((await db.sql.unsafe('SELECT version FROM schema_migrations ORDER BY version')).map((row) => row.version)).toEqual([1, 2, 3]);
});
