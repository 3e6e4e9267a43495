// Every statement the service runs lives in sql/queries/<capability>/<verb_noun>.sql.
// Files are read once, at import time of the module that names them, so a missing file fails
// start-up instead of the first request that needs it.
//
// Shared clauses are written once, in fragments (sql/queries/<capability>/_<name>.sql), and
// pulled into a statement by a line `-- @include <capability>/_<name>` (bullmq's script loader
// does the same for its Lua): resolved here, at load, so every statement's text is still fixed
// and prepared once. The only other text ever put into a loaded statement is the migrator's
// `:database_identifier` (CREATE DATABASE takes no parameters).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export const SQL_ROOT = join(import.meta.dir, '..', '..', 'sql');

const INCLUDE = /^[ \t]*-- @include ([a-z0-9_/]+)[ \t]*$/gm;

/** The text of `sql/queries/<name>.sql`, fragments included; throws at start-up when a file is missing. */
export function statement(name: string, queriesDir = join(SQL_ROOT, 'queries')): string {
  return load(name, queriesDir, []);
}

function load(name: string, dir: string, including: readonly string[]): string {
  if (including.includes(name)) throw new Error(`circular @include: ${[...including, name].join(' → ')}`);
  let text: string;
  try {
    text = readFileSync(join(dir, `${name}.sql`), 'utf8');
  } catch {
    throw new Error(`missing SQL file sql/queries/${name}.sql${including.length > 0 ? ` (included by ${including.at(-1)})` : ''}`);
  }
  return text.replace(INCLUDE, (_line, fragment: string) => withoutHeader(load(fragment, dir, [...including, name])));
}

/** A fragment's text without its header comment (the includer's header says what it does). */
function withoutHeader(text: string): string {
  const lines = text.split('\n');
  let first = 0;
  while (first < lines.length && lines[first]!.startsWith('--')) first++;
  return lines.slice(first).join('\n').trimEnd();
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
