// PostgreSQL clusters of a bench's own (initdb in a temp dir, a spare port; the helper the chaos
// suite uses), so a bench may reset statistics, load pg_stat_statements, CHECKPOINT and change
// settings without touching the machine's shared server on 5432, which other engineers' tests use.
// Unlike the chaos suite's clusters these keep PostgreSQL's own defaults for durability
// (fsync, full_page_writes, shared_buffers 128MB): a cost measured here is a cost in production.
import { readFileSync } from 'node:fs';
import { startPostgres, type OwnPostgres } from '../../test/support/processes.ts';

export const DEFAULT_DURABILITY = { fsync: 'on', full_page_writes: 'on', shared_buffers: '128MB' };

/** A cluster with PostgreSQL's defaults, plus `settings` (postgresql.conf spelling, values quoted as there). */
export function startPrivatePostgres(settings: Record<string, string> = {}): OwnPostgres & { serverUrl: string } {
  const pg = startPostgres({ settings: { ...DEFAULT_DURABILITY, ...settings } });
  // a bench stopped by a signal must not leave its cluster running
  process.on('exit', () => pg.destroy());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  return Object.assign(pg, { serverUrl: `postgres://postgres@127.0.0.1:${pg.port}` });
}

/** The `name = value` lines of a postgresql.conf-style file (comments and blank lines dropped). */
export function readConfFile(path: string): Record<string, string> {
  const settings: Record<string, string> = {};
  for (const raw of readFileSync(path, 'utf8').split('\n')) {
    const line = raw.replace(/#.*$/, '').trim();
    if (line === '') continue;
    const match = /^([a-z_.]+)\s*=\s*(.+)$/.exec(line);
    if (!match) throw new Error(`${path}: cannot read "${raw}"`);
    settings[match[1]!] = match[2]!.trim();
  }
  return settings;
}
