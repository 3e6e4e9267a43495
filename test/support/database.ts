// A real PostgreSQL database per test file, cloned from a template that holds every migration.
// The template's name carries a hash of the migrations, so it is built once per schema and
// reused by later runs; each clone takes ~100 ms.
import postgres from 'postgres';
import { createHash } from 'node:crypto';
import { createDb, type Sql } from '../../src/db/client.ts';
import { migrate } from '../../src/db/migrator.ts';
import { migrationFiles } from '../../src/db/sql-files.ts';

export const SERVER_URL = process.env.TEST_DATABASE_SERVER_URL ?? 'postgres://postgres@127.0.0.1:5432';

const urlFor = (name: string) => `${SERVER_URL}/${name}`;

function admin() {
  return postgres(urlFor('postgres'), { max: 1, onnotice: () => {} });
}

let templateReady: Promise<string> | undefined;

function templateName(): string {
  const hash = createHash('sha256');
  for (const file of migrationFiles()) hash.update(file.name).update(file.text);
  return `hi_template_${hash.digest('hex').slice(0, 16)}`;
}

async function buildTemplate(): Promise<string> {
  const name = templateName();
  const sql = admin();
  try {
    const [exists] = await sql`SELECT 1 FROM pg_database WHERE datname = ${name} AND datistemplate`;
    if (exists) return name;
    const building = `${name}_build_${process.pid}`;
    await sql.unsafe(`DROP DATABASE IF EXISTS "${building}"`);
    await sql.unsafe(`CREATE DATABASE "${building}"`);
    const db = createDb(urlFor(building), { max: 1 });
    await migrate(db);
    await db.end();
    try {
      await sql.unsafe(`ALTER DATABASE "${building}" RENAME TO "${name}"`);
      await sql.unsafe(`ALTER DATABASE "${name}" IS_TEMPLATE true`);
    } catch (error) {
      // a concurrent run built it first
      if ((error as { code?: string }).code !== '42P04') throw error;
      await sql.unsafe(`DROP DATABASE IF EXISTS "${building}"`);
    }
    return name;
  } finally {
    await sql.end();
  }
}

export interface TestDatabase {
  name: string;
  url: string;
  sql: Sql;
  drop(): Promise<void>;
}

/** A database of its own; `empty` gives one without migrations (for the migrator's own tests). */
export async function createTestDatabase(options: { poolSize?: number; empty?: boolean } = {}): Promise<TestDatabase> {
  const template = options.empty ? 'template0' : await (templateReady ??= buildTemplate());
  const name = `hi_test_${process.pid}_${crypto.randomUUID().slice(0, 8)}`;
  const sql = admin();
  try {
    await sql.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
  } finally {
    await sql.end();
  }
  const db = createDb(urlFor(name), { max: options.poolSize ?? 10 });
  return {
    name,
    url: urlFor(name),
    sql: db,
    async drop() {
      await db.end({ timeout: 5 });
      const cleanup = admin();
      try {
        await cleanup.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await cleanup.end();
      }
    },
  };
}
