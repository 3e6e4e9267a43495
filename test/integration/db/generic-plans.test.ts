// The per-user statements must cost what the rows they name cost, not what the user has stored.
//
// postgres.js prepares every statement, and after five executions PostgreSQL may switch a
// prepared statement to its generic plan, planned without the parameter values. For a join
// against an unnest of parameter arrays, that plan was a hash join over *all* of the user's
// samples: the daily-summary recompute slowed down as a user's history grew, and the outbox
// fell behind under sustained load (bench/outbox-lag.ts, bench/soak.ts). Each case here runs a
// statement under plan_cache_mode = force_generic_plan on a user with a long history and counts
// the rows its plan visits in the big tables. The erasure's steps are also run through generic
// plans made while every table was empty and never analyzed (a fresh database: autovacuum is off
// on this machine class), kept by the session while the history arrived, as a pooled connection
// keeps them.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { statement } from '../../../src/db/sql-files.ts';
import { ERASURE_STEPS } from '../../../src/erasure/erasure-steps.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';

const BIG_USER = '00000000-0000-4000-8000-00000000b16a';
const DAYS = 240;
const PER_CELL = 24; // samples per (metric, local date)
const NUMERIC_METRICS = ['steps', 'heart_rate', 'distance'];
const TABLES = new Set(['health_samples', 'health_daily_summaries', 'health_ingest_requests', 'outbox_events', 'health_sample_tombstones', 'webhook_deliveries', 'webhook_lanes']);
const WEBHOOK_ENDPOINTS = 3;
/** the big user's newest events whose deliveries are still pending (the rest were delivered) */
const PENDING_EVENTS = 200;

/** Inserts `days` days of samples (and numeric daily summaries) for each user: setup only. */
async function insertHistory(db: TestDatabase, users: readonly string[], days: number): Promise<void> {
  await db.sql.unsafe(
    `INSERT INTO health_samples (user_id, source_id, source_record_id, start_at, end_at, metric_code, value_kind,
       value, unit, category_code, timezone_offset_minutes, timezone_source, local_date, received_at, changed_seq)
     SELECT u, 'watch', m.metric || '-' || d || '-' || i,
            timestamptz '2024-01-01' + make_interval(days => d, mins => i * 30),
            timestamptz '2024-01-01' + make_interval(days => d, mins => i * 30 + 20),
            m.metric, m.kind,
            CASE WHEN m.kind = 'CATEGORY' THEN NULL ELSE i END,
            CASE WHEN m.kind = 'CATEGORY' THEN NULL ELSE 'count' END,
            CASE WHEN m.kind = 'CATEGORY' THEN 'asleep' END,
            0, 'sample', date '2024-01-01' + d, now(), 1
     FROM unnest($1::uuid[]) u,
          (VALUES ('steps', 'CUMULATIVE_NUM'), ('heart_rate', 'SCALAR_NUM'), ('distance', 'CUMULATIVE_NUM'),
                  ('sleep_stage', 'CATEGORY')) m(metric, kind),
          generate_series(0, $2::integer - 1) d, generate_series(0, $3::integer - 1) i`,
    [users, days, PER_CELL],
  );
  await db.sql.unsafe(
    `INSERT INTO health_daily_summaries (user_id, metric_code, local_date, sample_count, value_sum, value_min,
       value_max, value_avg, unit, by_source)
     SELECT u, m, date '2024-01-01' + d, 1, 1, 1, 1, 1, 'count', '[]'::jsonb
     FROM unnest($1::uuid[]) u, unnest($2::text[]) m, generate_series(0, $3::integer - 1) d`,
    [users, NUMERIC_METRICS, days],
  );
  // ten finished requests, each with its processed outbox event, per user and day
  await db.sql.unsafe(
    `WITH requests AS (
       INSERT INTO health_ingest_requests (user_id, request_id, payload_hash, status, route, item_count, received_at,
         response_status, response_body, completed_at)
       SELECT u, gen_random_uuid(), 'hash', 'completed', 'inline', 1, now(), 200, '{}'::json, now()
       FROM unnest($1::uuid[]) u, generate_series(1, $2::integer * 10)
       RETURNING user_id
     )
     INSERT INTO outbox_events (user_id, event_type, seq, payload, status, processed_at)
     SELECT user_id, 'health.samples.changed', row_number() OVER (PARTITION BY user_id), '{}'::jsonb, 'processed', now()
     FROM requests`,
    [users, days],
  );
  // a delete ref per sample of every tenth day, each leaving its tombstone, received 1..days days ago
  await db.sql.unsafe(
    `INSERT INTO health_sample_tombstones (user_id, source_record_id, source_id, received_at)
     SELECT u, 'steps-' || d || '-' || i, CASE WHEN i % 2 = 0 THEN 'watch' END, now() - make_interval(days => d + 1)
     FROM unnest($1::uuid[]) u, generate_series(0, $2::integer - 1, 10) d, generate_series(0, $3::integer - 1) i`,
    [users, days, PER_CELL],
  );
}

async function insertWebhookEndpoints(db: TestDatabase): Promise<void> {
  await db.sql.unsafe(
    `INSERT INTO webhook_endpoints (id, url, event_types, secret_sealed)
     SELECT gen_random_uuid(), 'https://example.com/hook', '{health.samples.changed}', '\\x00'::bytea FROM generate_series(1, $1::integer)`,
    [WEBHOOK_ENDPOINTS],
  );
}

/** A delivery of each of the user's outbox events to every endpoint, the newest PENDING_EVENTS pending, and the user's lanes. */
async function insertWebhookDeliveries(db: TestDatabase, userId: string): Promise<void> {
  await db.sql.unsafe(
    `INSERT INTO webhook_deliveries (endpoint_id, event_id, message_id, user_id, seq, event_type, event_at, data, status, attempts)
     SELECT w.id, o.id, 'msg_' || o.id, o.user_id, o.seq, o.event_type, o.created_at, '{}'::jsonb,
            CASE WHEN o.seq > max(o.seq) OVER () - $2::integer THEN 'pending' ELSE 'delivered' END, 1
     FROM outbox_events o CROSS JOIN webhook_endpoints w
     WHERE o.user_id = $1::uuid`,
    [userId, PENDING_EVENTS],
  );
  await db.sql.unsafe(
    `INSERT INTO webhook_lanes (endpoint_id, user_id, ready_at) SELECT id, $1::uuid, now() FROM webhook_endpoints`,
    [userId],
  );
}

/**
 * A database where the big user has DAYS of history and 20 others 10 days each. `staleStatistics`:
 * ANALYZE ran before the big user's history arrived (a service that grew since autovacuum last
 * looked), false: after, null: never (autovacuum off, as on this machine class).
 */
async function seededDatabase(staleStatistics: boolean | null): Promise<TestDatabase> {
  const db = await createTestDatabase({ poolSize: 2 });
  await seedHistories(db, async () => {
    if (staleStatistics) await db.sql.unsafe('ANALYZE');
  });
  if (staleStatistics === false) await db.sql.unsafe('ANALYZE');
  return db;
}

/** Every user's rows, `beforeBigUser` run between the others' and the big user's: setup only. */
async function seedHistories(db: TestDatabase, beforeBigUser: () => Promise<void> = async () => {}): Promise<void> {
  await insertHistory(db, Array.from({ length: 20 }, () => crypto.randomUUID()), 10);
  // the tombstones of many other users (a table shared by every user, unlike one user's history)
  await db.sql.unsafe(
    `INSERT INTO health_sample_tombstones (user_id, source_record_id, received_at)
     SELECT gen_random_uuid(), 'r-' || i, now() - make_interval(hours => i) FROM generate_series(1, 20000) i`,
  );
  await insertWebhookEndpoints(db);
  await insertManyUsers(db);
  await beforeBigUser();
  await insertHistory(db, [BIG_USER], DAYS);
  await insertWebhookDeliveries(db, BIG_USER);
  await insertChunkedHistory(db, BIG_USER);
}

const MANY_USERS = 20_000;

/** The rows of many other users in the tables holding a row or a few per user, imports and job runs. */
async function insertManyUsers(db: TestDatabase): Promise<void> {
  for (const table of ['user_health_watermarks', 'health_privacy_settings', 'projection_checkpoints']) {
    const extra = table === 'projection_checkpoints' ? ", 'daily_summaries'" : table === 'user_health_watermarks' ? ', 1' : '';
    const columns = table === 'projection_checkpoints' ? '(user_id, projection)' : table === 'user_health_watermarks' ? '(user_id, seq)' : '(user_id)';
    await db.sql.unsafe(`INSERT INTO ${table} ${columns} SELECT gen_random_uuid()${extra} FROM generate_series(1, $1::integer)`, [MANY_USERS]);
  }
  await db.sql.unsafe(
    `INSERT INTO webhook_lanes (endpoint_id, user_id) SELECT w.id, u FROM webhook_endpoints w, (SELECT gen_random_uuid() FROM generate_series(1, 3000)) AS x(u)`,
  );

  // every hundredth an upload left receiving for days (abandoned)
  await db.sql.unsafe(
    `WITH i AS (
       INSERT INTO imports (id, user_id, format, status, created_at, updated_at)
       SELECT gen_random_uuid(), gen_random_uuid(), 'apple_health_xml', CASE WHEN g % 100 = 0 THEN 'receiving' ELSE 'completed' END,
              now() - make_interval(mins => g), now() - make_interval(mins => g)
       FROM generate_series(1, $1::integer) g RETURNING id
     )
     INSERT INTO import_chunks (import_id, seq, bytes) SELECT id, s, '\\x00'::bytea FROM i, generate_series(0, 1) s`,
    [MANY_USERS],
  );
  await db.sql.unsafe(
    `INSERT INTO job_runs (name, status, trigger, started_at, finished_at, runner)
     SELECT 'job' || g % 6, 'succeeded', 'schedule', now() - make_interval(mins => g), now() - make_interval(mins => g), 'test'
     FROM generate_series(1, 30000) g`,
  );
}

const USER_IMPORTS = 60;
const CHUNKS_PER_IMPORT = 5;

/** The user's imports with their stored files, and the user's rows in the one-row tables. */
async function insertChunkedHistory(db: TestDatabase, userId: string): Promise<void> {
  await db.sql.unsafe(
    `WITH i AS (
       INSERT INTO imports (id, user_id, format, status, created_at)
       SELECT gen_random_uuid(), $1::uuid, 'apple_health_xml', 'completed', now() - make_interval(mins => g)
       FROM generate_series(1, $2::integer) g RETURNING id
     )
     INSERT INTO import_chunks (import_id, seq, bytes) SELECT id, s, '\\x00'::bytea FROM i, generate_series(0, $3::integer - 1) s`,
    [userId, USER_IMPORTS, CHUNKS_PER_IMPORT],
  );
  await db.sql.unsafe(`INSERT INTO user_health_watermarks (user_id, seq) VALUES ($1, 1) ON CONFLICT DO NOTHING`, [userId]);
  await db.sql.unsafe(`INSERT INTO health_privacy_settings (user_id) VALUES ($1)`, [userId]);
  await db.sql.unsafe(`INSERT INTO projection_checkpoints (user_id, projection) VALUES ($1, 'daily_summaries'), ($1, 'webhooks')`, [userId]);
}

/**
 * A database whose erasure steps were prepared and planned (generic) on a `session` while every
 * table was empty and never analyzed; then the history of seededDatabase arrived, and nothing
 * analyzed it. `plans` holds each statement's plan as made then (EXPLAIN without ANALYZE), so a
 * case can tell the session still runs that plan.
 */
interface EmptyPlannedDatabase {
  db: TestDatabase;
  session: Awaited<ReturnType<TestDatabase['sql']['reserve']>>;
  plans: Map<string, PlanNode>;
}

async function emptyPlannedDatabase(names: readonly string[]): Promise<EmptyPlannedDatabase> {
  const db = await createTestDatabase({ poolSize: 2 });
  const session = await db.sql.reserve();
  await session.unsafe(`SET plan_cache_mode = force_generic_plan`);
  const plans = new Map<string, PlanNode>();
  for (const [i, name] of names.entries()) {
    await session.unsafe(`PREPARE early_${i} AS ${statement(name)}`).simple();
    plans.set(name, await explainPrepared(session, `early_${i}`, (await preparedTypes(session, `early_${i}`)).map((type) => `NULL::${type}`), false));
  }
  await seedHistories(db);
  return { db, session, plans };
}

/** The statements of the erasure's steps, which it runs chunk after chunk. */
const ERASURE_STATEMENTS = ERASURE_STEPS.map((step) => `erasure/erase_${step.table}`);

const databases: TestDatabase[] = [];
let emptyPlanned: EmptyPlannedDatabase;

// seeding four histories takes seconds on a loaded machine; Bun's hook default is 5 s
beforeAll(async () => {
  databases.push(await seededDatabase(true), await seededDatabase(false), await seededDatabase(null));
  emptyPlanned = await emptyPlannedDatabase(ERASURE_STATEMENTS);
}, 180_000);

afterAll(async () => {
  emptyPlanned?.session.release();
  await Promise.all([...databases, ...(emptyPlanned ? [emptyPlanned.db] : [])].map((db) => db.drop()));
});

interface PlanNode {
  'Relation Name'?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Rows the plan read from `tables` (kept or filtered out), over all loops. */
function rowsVisited(node: PlanNode, tables: ReadonlySet<string> = TABLES): number {
  const own =
    node['Relation Name'] && tables.has(node['Relation Name'])
      ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) *
        (node['Actual Loops'] ?? 1)
      : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsVisited(child, tables), 0);
}

/** Every table a chunk delete reads, the small ones too (a scan of a table of one row per user). */
const ALL_TABLES: ReadonlySet<string> = new Set([
  ...TABLES, 'imports', 'import_chunks', 'job_runs', 'projection_checkpoints', 'health_privacy_settings', 'user_health_watermarks',
]);

type Session = EmptyPlannedDatabase['session'];

async function preparedTypes(session: Session, name: string): Promise<string[]> {
  const [prepared] = await session.unsafe(`SELECT parameter_types::text[] AS types FROM pg_prepared_statements WHERE name = $1`, [name]);
  return prepared!.types as string[];
}

/** EXPLAIN [ANALYZE] EXECUTE of a prepared statement with literal arguments; returns the plan. */
async function explainPrepared(session: Session, name: string, literals: string[], analyze: boolean): Promise<PlanNode> {
  const args = literals.length > 0 ? `(${literals.join(', ')})` : '';
  const [row] = await session.unsafe(`EXPLAIN (${analyze ? 'ANALYZE, ' : ''}FORMAT JSON) EXECUTE ${name}${args}`).simple();
  return (row!['QUERY PLAN'] as { Plan: PlanNode }[])[0]!.Plan;
}

// EXECUTE's arguments must be literals (a utility statement takes no parameters): the server
// quotes each value as the type PREPARE inferred from the statement's casts
async function literalsFor(session: Session, types: string[], params: unknown[]): Promise<string[]> {
  const literals: string[] = [];
  for (const [i, value] of params.entries()) {
    const [quoted] = await session.unsafe(`SELECT quote_nullable($1::${types[i]}::text) || '::${types[i]}' AS literal`, [value as never]);
    literals.push(quoted!.literal as string);
  }
  return literals;
}

/**
 * Runs `name` (one of ERASURE_STATEMENTS) through the generic plan the session made while the tables
 * were empty (rolled back); returns the rows it visited. Fails when that plan is gone (re-planned).
 */
async function visitedByEmptyTimePlan(name: string, params: unknown[]): Promise<number> {
  const { session, plans } = emptyPlanned;
  const prepared = `early_${ERASURE_STATEMENTS.indexOf(name)}`;
  const literals = await literalsFor(session, await preparedTypes(session, prepared), params);
  // same estimates as when it was made: the plan of the empty tables, not a new one
  const early = plans.get(name);
  expect(early).toBeDefined();
  expect(await explainPrepared(session, prepared, literals, false)).toEqual(early!);
  try {
    await session.unsafe('BEGIN');
    return rowsVisited(await explainPrepared(session, prepared, literals, true), ALL_TABLES);
  } finally {
    await session.unsafe('ROLLBACK').catch(() => {});
  }
}

/**
 * Runs `name` with `params` through its generic plan (rolled back), after the `settings`
 * statements the service sends before it in its transaction; returns the rows it visited in `tables`.
 */
async function visitedByGenericPlan(db: TestDatabase, name: string, params: unknown[], settings: string[] = [], tables: ReadonlySet<string> = TABLES): Promise<number> {
  const session = await db.sql.reserve();
  try {
    await session.unsafe('BEGIN');
    await session.unsafe(`SET LOCAL plan_cache_mode = force_generic_plan`);
    for (const setting of settings) await session.unsafe(setting);
    await session.unsafe(`PREPARE probe AS ${statement(name)}`).simple(); // not a parameterized statement itself
    const literals = await literalsFor(session, await preparedTypes(session, 'probe'), params);
    return rowsVisited(await explainPrepared(session, 'probe', literals, true), tables);
  } finally {
    await session.unsafe('ROLLBACK').catch(() => {});
    await session.unsafe('DEALLOCATE ALL').catch(() => {});
    session.release();
  }
}

const dates = (...days: number[]) => days.map((d) => new Date(Date.UTC(2024, 0, 1 + d)).toISOString().slice(0, 10));

const history = DAYS * PER_CELL * 4;
const summaryHistory = DAYS * NUMERIC_METRICS.length;
// two dates of two metrics: 4 × PER_CELL samples named, against a history of `history`
const cellMetrics = ['steps', 'heart_rate', 'steps', 'heart_rate'];
const cellDates = dates(100, 100, 101, 101);

for (const [label, at] of [['statistics older than the history', 0], ['statistics of the history', 1], ['never analyzed, as with autovacuum off', 2]] as const) {
  describe(`generic plans visit the named rows, not the user's history (${label})`, () => {
    const visited = (name: string, params: unknown[]) => visitedByGenericPlan(databases[at]!, name, params);

    test('aggregate_numeric_cells', async () => {
      const rows = await visited('projections/aggregate_numeric_cells', [BIG_USER, cellMetrics, cellDates]);
      expect(rows).toBeGreaterThanOrEqual(4 * PER_CELL);
      expect(rows).toBeLessThan(history / 20);
    });

    test('list_category_samples', async () => {
      const rows = await visited('projections/list_category_samples', [BIG_USER, ['sleep_stage'], dates(100), 2]);
      expect(rows).toBeGreaterThanOrEqual(3 * PER_CELL); // the date and two look-back dates
      expect(rows).toBeLessThan(history / 20);
    });

    test('replace_daily_summaries', async () => {
      const fresh = [
        { metric_code: 'steps', local_date: dates(100)[0], sample_count: 2, value_sum: 2, value_min: 1, value_max: 1, value_avg: 1, unit: 'count', category_seconds: null, by_source: [] },
      ];
      const rows = await visited('projections/replace_daily_summaries', [BIG_USER, cellMetrics, cellDates, fresh]);
      expect(rows).toBeGreaterThanOrEqual(1);
      expect(rows).toBeLessThan(summaryHistory / 20);
    });

    test('list_daily_summaries', async () => {
      const rows = await visited('projections/list_daily_summaries', [BIG_USER, ['steps'], dates(100)[0], dates(106)[0]]);
      expect(rows).toBeGreaterThanOrEqual(7);
      expect(rows).toBeLessThan(summaryHistory / 20);
    });

    // a page of GET samples from a cursor in the middle of the history, with the plan setting
    // listSamples sends first: the read index gives (metric, start) order and the page stops the walk
    const PAGE = 101;
    const pageRead = (name: string, params: unknown[]) =>
      visitedByGenericPlan(databases[at]!, name, params, [statement('samples/page_read_plan')]);
    test('list_samples: a page from a cursor mid-history reads about the page', async () => {
      const rows = await pageRead('samples/list_samples', [BIG_USER, null, null, 'steps', '2024-04-10T00:00:00Z', 'watch', '', PAGE]);
      expect(rows).toBeGreaterThanOrEqual(PAGE);
      expect(rows).toBeLessThan(PAGE + 10);
    });

    test('list_samples_of_metric: a page from a cursor mid-history reads about the page', async () => {
      const rows = await pageRead('samples/list_samples_of_metric', [BIG_USER, 'steps', null, null, '2024-04-10T00:00:00Z', 'watch', '', PAGE]);
      expect(rows).toBeGreaterThanOrEqual(PAGE);
      expect(rows).toBeLessThan(PAGE + 10);
    });

    test('soft_delete_samples: refs by record id alone and by full key', async () => {
      const rows = await visited('ingest/soft_delete_samples', [
        BIG_USER,
        new Date(),
        ['steps-100-1', 'heart_rate-100-2', 'no-such-record'],
        [null, 'watch', null],
        [null, null, null],
        [null, null, 'steps'],
      ]);
      expect(rows).toBeGreaterThanOrEqual(2);
      expect(rows).toBeLessThan(100);
    });

    test('bump_watermark_if_changed: a probe per named record id at most, not a scan of the history', async () => {
      // the history's rows carry seq 1 and the big user has no watermark yet: the first probe finds a change
      expect(await visited('ingest/bump_watermark_if_changed', [BIG_USER, ['steps-100-1', 'steps-100-2']])).toBeLessThan(5);
      // a user at seq 1 whose named rows all carry seq 1 (nothing changed at seq 2): each record
      // id probed once, and that is all
      const db = databases[at]!;
      const [other] = await db.sql.unsafe(`SELECT user_id FROM health_samples WHERE user_id <> $1 LIMIT 1`, [BIG_USER]);
      const user = other!.user_id as string;
      await db.sql.unsafe(`INSERT INTO user_health_watermarks (user_id, seq) VALUES ($1, 1) ON CONFLICT (user_id) DO UPDATE SET seq = 1`, [user]);
      const named = (await db.sql.unsafe(`SELECT source_record_id FROM health_samples WHERE user_id = $1 LIMIT 40`, [user])).map((r) => r.source_record_id as string);
      const rows = await visited('ingest/bump_watermark_if_changed', [user, named]);
      expect(rows).toBeGreaterThanOrEqual(named.length);
      expect(rows).toBeLessThan(100);
    });

    // four rows of the history re-sent, as received `daysAgo` days ago: the tombstone guard and,
    // when tombstones were received after the write, one probe per row
    const upsertHistoryRows = (receivedAt: Date) => {
      const keys = ['steps-100-1', 'steps-100-2', 'steps-101-1', 'heart_rate-100-1'];
      const column = <T>(value: T) => keys.map(() => value);
      return visited('ingest/upsert_samples', [
        BIG_USER, receivedAt, column('watch'), keys, column('2024-04-10T00:30:00Z'), column('2024-04-10T00:50:00Z'),
        column('steps'), column('CUMULATIVE_NUM'), column(7), column('count'), column(null), column(null),
        column(0), column('sample'), column('2024-04-10'), column({}), column(null),
      ]);
    };

    test('upsert_samples of a user whose tombstones are all older than the write: the guard only', async () => {
      expect(await upsertHistoryRows(new Date())).toBeLessThan(20);
    });

    test('upsert_samples received before most of the user\'s tombstones: a probe per row, not a scan of them', async () => {
      const tombstones = (DAYS / 10) * PER_CELL;
      const rows = await upsertHistoryRows(new Date(Date.now() - (DAYS + 5) * 86_400_000));
      expect(rows).toBeLessThan(tombstones / 10);
    });
  });

  describe(`generic plans of statements naming rows by key visit those rows (${label})`, () => {
    const db = () => databases[at]!;
    const visited = (name: string, params: unknown[]) => visitedByGenericPlan(db(), name, params);
    const someRequests = async () => {
      const rows = await db().sql.unsafe(`SELECT user_id, request_id FROM health_ingest_requests WHERE user_id = $1 LIMIT 3`, [BIG_USER]);
      return { users: rows.map((r) => r.user_id as string), requests: rows.map((r) => r.request_id as string) };
    };
    const someEventIds = async () =>
      (await db().sql.unsafe(`SELECT id FROM outbox_events WHERE user_id = $1 LIMIT 3`, [BIG_USER])).map((r) => String(r.id));

    test('outbox mark_processed', async () => {
      expect(await visited('outbox/mark_processed', [await someEventIds()])).toBeLessThan(50);
    });

    test('outbox fail_events', async () => {
      const ids = await someEventIds();
      const rows = await visited('outbox/fail_events', [ids, ids.map(() => 1), ids.map(() => 'pending'), ids.map(() => 1000), ids.map(() => 'boom')]);
      expect(rows).toBeLessThan(50);
    });

    test('queue heartbeat_requests', async () => {
      const { users, requests } = await someRequests();
      expect(await visited('requests/heartbeat_requests', [users, requests, users.map(() => 1)])).toBeLessThan(50);
    });

    // Not yet on a never-analyzed database: there the generic plan walks the partial pending-lane
    // index (which, without statistics, is estimated to hold 0.5 % of the rows) over every pending
    // delivery (3,007 here); a primary-key probe per attempt made the analyzed cases worse (607).
    // Open: README, Webhooks.
    if (at !== 2) test('webhooks finish_attempts: the batch\'s deliveries and lanes by key, not the retained deliveries', async () => {
      const rows = await db().sql.unsafe(
        `SELECT id, endpoint_id, attempts FROM webhook_deliveries WHERE user_id = $1 AND status = 'pending' ORDER BY seq LIMIT 1`,
        [BIG_USER],
      );
      const attempts = rows.map((r) => ({
        deliveryId: String(r.id), attempts: r.attempts, attemptedAt: new Date().toISOString(), durationMs: 3, statusCode: 200, error: null,
        outcome: 'delivered', nextAttemptAt: null, disableEndpoint: false, laneVersion: '0', endpointId: r.endpoint_id, userId: BIG_USER,
      }));
      expect(attempts.length).toBe(1);
      // as plain joins with the batch, the attempt's delivery was found by a scan of all of them
      expect(await visited('webhooks/finish_attempts', [attempts])).toBeLessThan(50);
    });

    test('reaper fail_orphaned_queued_requests', async () => {
      const { users, requests } = await someRequests();
      expect(await visited('requests/fail_orphaned_queued_requests', [users, requests, users.map(() => 1)])).toBeLessThan(50);
    });
  });
}

const ERASURE_ID = '00000000-0000-4000-8000-0000000e0001';
const CHUNK = 200;

// The chunk deletes each delete up to CHUNK rows named by their first CTE (`doomed`): the DELETE
// must reach those rows by key (a TID probe per row) whatever the generic plan, not scan the table
// — as `ctid = ANY (ARRAY(…))`, the plan of an empty table was a sequential scan, kept.
// Plans made while the tables were empty are checked for the erasure steps: an erasure runs each
// step at least twice (its chunks, then the final transaction), so a few erasures of new users
// give a connection generic plans of the empty tables, which it keeps for its life (30 min) while
// the tables grow. Retention (hourly) and the purger (daily) run a statement once per tick on an
// empty table, so no connection makes the five executions that lead to a generic plan then.
// Where ANALYZE saw the history, the big user holds every webhook delivery: the statistics make a
// chunk a tenth of the table, and the forced generic plan hash-joins a scan of it. Not checked
// there: a custom plan, knowing the chunk's size, makes the same choice while a scan of the table
// is cheaper than a TID probe per row (and only then would the plan cache take the generic plan);
// the erasure runs its steps without force_generic_plan.
const ONE_USER_TABLES_ANALYZED = new Set(['webhook_deliveries']);

for (const [label, visitedBy, retention, analyzed] of [
  ['statistics older than the history', (name: string, params: unknown[]) => visitedByGenericPlan(databases[0]!, name, params, [], ALL_TABLES), true, false],
  ['statistics of the history', (name: string, params: unknown[]) => visitedByGenericPlan(databases[1]!, name, params, [], ALL_TABLES), true, true],
  ['never analyzed, planned on the history', (name: string, params: unknown[]) => visitedByGenericPlan(databases[2]!, name, params, [], ALL_TABLES), true, false],
  ['planned while the tables were empty, never analyzed', visitedByEmptyTimePlan, false, false],
] as const) {
  describe(`generic plans of chunk deletes visit the chunk's rows, not the table (${label})`, () => {
    const erasureChunk = (table: string, keyset: boolean) =>
      visitedBy(`erasure/erase_${table}`, keyset ? [BIG_USER, CHUNK, ERASURE_ID, null] : [BIG_USER, CHUNK, ERASURE_ID]);
    const fewRowsPerUser = new Set(['projection_checkpoints', 'webhook_lanes', 'health_privacy_settings', 'user_health_watermarks']);

    for (const { table, keyset } of ERASURE_STEPS) {
      if (analyzed && ONE_USER_TABLES_ANALYZED.has(table)) continue;
      if (fewRowsPerUser.has(table)) {
        test(`erase_${table}: the user's few rows among ${MANY_USERS} users'`, async () => {
          const rows = await erasureChunk(table, keyset);
          expect(rows).toBeGreaterThanOrEqual(1);
          expect(rows).toBeLessThan(30);
        });
      } else if (table === 'imports') {
        test('erase_imports: the user\'s imports, not every user\'s', async () => {
          const rows = await erasureChunk(table, keyset);
          expect(rows).toBeGreaterThanOrEqual(2 * USER_IMPORTS);
          expect(rows).toBeLessThan(4 * USER_IMPORTS);
        });
      } else {
        // the big user's rows exceed a chunk: a chunk's rows are read about three times (the
        // doomed CTE, the TID probe, the delete), import_chunks' also an import row per import
        test(`erase_${table}: a chunk of the user's rows, not the table`, async () => {
          const rows = await erasureChunk(table, keyset);
          expect(rows).toBeGreaterThanOrEqual(2 * CHUNK);
          expect(rows).toBeLessThan(5 * CHUNK + (table === 'import_chunks' ? USER_IMPORTS : 0));
        });
      }
    }

    if (retention) {
      // everything seeded is past a retention of 0 days (1 for abandoned uploads)
      for (const name of ['jobs/delete_old_job_runs', 'jobs/delete_processed_outbox_events', 'requests/delete_finished_requests', 'webhooks/delete_finished_deliveries']) {
        test(`${name.split('/')[1]}: a chunk of old rows, by key`, async () => {
          const rows = await visitedBy(name, [0, CHUNK]);
          expect(rows).toBeGreaterThanOrEqual(2 * CHUNK);
          expect(rows).toBeLessThan(5 * CHUNK);
        });
      }

      test('delete_abandoned_uploads: a chunk of abandoned uploads, by key', async () => {
        const abandoned = MANY_USERS / 100;
        const rows = await visitedBy('imports/delete_abandoned_uploads', [1, 50]);
        expect(rows).toBeGreaterThanOrEqual(2 * 50);
        // the walk of the unfinished imports' index may pass the recent uploads still receiving
        expect(rows).toBeLessThan(2 * abandoned);
      });
    }
  });
}
