// PostgreSQL's execution time per statement over a stretch of a bench (pg_stat_statements, which
// the cluster must preload: bench/lib/private-postgres.ts), read at its start and end and
// subtracted, so phases of one run can be told apart without resetting the statistics.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type postgres from 'postgres';
import { SQL_ROOT, statement } from '../../src/db/sql-files.ts';

export interface StatementTime {
  query: string;
  calls: number;
  /** execution time (ms; planning not included) */
  execMs: number;
  /** index and heap blocks dirtied: the writes behind the time */
  blocksDirtied: number;
}

export type StatementTimes = Map<string, StatementTime>;

/** The cumulative figures of every statement of `database` so far, by query id. */
export async function statementTimes(db: postgres.Sql, database: string): Promise<StatementTimes> {
  const rows = await db.unsafe(
    `SELECT s.queryid::text AS id, s.query, s.calls::float8 AS calls, s.total_exec_time AS exec_ms,
            s.shared_blks_dirtied::float8 AS dirtied
     FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid
     WHERE d.datname = $1`,
    [database],
  );
  return new Map(rows.map((row) => [String(row.id), { query: String(row.query), calls: Number(row.calls), execMs: Number(row.exec_ms), blocksDirtied: Number(row.dirtied) }]));
}

/** What happened between two readings (statements first seen in `after` count from zero). */
export function statementTimesBetween(before: StatementTimes, after: StatementTimes): StatementTimes {
  const out: StatementTimes = new Map();
  for (const [id, end] of after) {
    const start = before.get(id);
    const calls = end.calls - (start?.calls ?? 0);
    if (calls <= 0) continue;
    out.set(id, {
      query: end.query,
      calls,
      execMs: end.execMs - (start?.execMs ?? 0),
      blocksDirtied: end.blocksDirtied - (start?.blocksDirtied ?? 0),
    });
  }
  return out;
}

/** Several stretches summed, statement by statement. */
export function sumStatementTimes(list: readonly StatementTimes[]): StatementTimes {
  const out: StatementTimes = new Map();
  for (const times of list) {
    for (const [id, time] of times) {
      const sum = out.get(id) ?? { query: time.query, calls: 0, execMs: 0, blocksDirtied: 0 };
      out.set(id, { query: sum.query, calls: sum.calls + time.calls, execMs: sum.execMs + time.execMs, blocksDirtied: sum.blocksDirtied + time.blocksDirtied });
    }
  }
  return out;
}

let files: Map<string, string> | null = null;

/**
 * A statement's text with what pg_stat_statements may replace by $n gone (comments, literals, NULL,
 * true, false, parameters) and whitespace folded: equal for a file's text and its entry there.
 */
function folded(query: string): string {
  return query
    .replace(/--[^\n]*/g, ' ')
    .replace(/'(?:[^']|'')*'|\$\d+|\b\d+(?:\.\d+)?\b|\b(?:null|true|false)\b/gi, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A statement's name: its file under sql/queries (`webhooks/claim_lanes`), else its text folded and cut to `width`. */
export function statementLabel(query: string, width = 60): string {
  if (!files) {
    files = new Map();
    const dir = join(SQL_ROOT, 'queries');
    for (const capability of readdirSync(dir)) {
      for (const file of readdirSync(join(dir, capability))) {
        if (!file.endsWith('.sql') || file.startsWith('_')) continue;
        const name = `${capability}/${file.slice(0, -4)}`;
        files.set(folded(statement(name)), name);
      }
    }
  }
  const text = folded(query);
  const named = files.get(text);
  if (named) return named;
  return text.length > width ? `${text.slice(0, width - 1)}…` : text;
}
