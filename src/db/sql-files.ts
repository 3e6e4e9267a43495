// Every statement the service runs lives in sql/queries/<capability>/<verb_noun>.sql.
// Files are read once, at import time of the module that names them, so a missing file fails
// start-up instead of the first request that needs it.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const SQL_ROOT = join(import.meta.dir, '..', '..', 'sql');

/** The text of `sql/queries/<name>.sql`; throws at start-up when the file is missing. */
export function statement(name: string): string {
  const path = join(SQL_ROOT, 'queries', `${name}.sql`);
  try {
    return readFileSync(path, 'utf8');
  } catch {
    throw new Error(`missing SQL file sql/queries/${name}.sql`);
  }
}

export interface MigrationFile {
  version: number;
  name: string;
  text: string;
}

const MIGRATION_NAME = /^(\d{4})_[a-z0-9_]+\.sql$/;

/** Migrations in version order; refuses stray or duplicate-numbered files. */
export function migrationFiles(dir = join(SQL_ROOT, 'migrations')): MigrationFile[] {
  const files = readdirSync(dir).filter((file) => file.endsWith('.sql')).sort();
  const seen = new Set<number>();
  return files.map((file) => {
    const match = MIGRATION_NAME.exec(file);
    if (!match) throw new Error(`migration file name must look like 0001_name.sql: ${file}`);
    const version = Number(match[1]);
    if (seen.has(version)) throw new Error(`two migrations share version ${version}`);
    seen.add(version);
    return { version, name: file, text: readFileSync(join(dir, file), 'utf8') };
  });
}
