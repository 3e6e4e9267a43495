// Migration 0005 on a table that already holds rows: the metric joins the sample key, existing
// rows keep working (read, updated in place, deleted by id alone), and 'zone' becomes a stored
// timezone_source. The database is built up to 0004, filled the way the service wrote it then,
// and only then migrated to the latest schema.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import postgres from 'postgres';
import { createDb, type Sql } from '../../../src/db/client.ts';
import { migrate } from '../../../src/db/migrator.ts';
import { migrationFiles } from '../../../src/db/sql-files.ts';
import { softDeleteSamples, upsertSamples } from '../../../src/ingest/sample-writes.ts';
import type { NormalizedSample } from '../../../src/domain/types.ts';
import { SERVER_URL } from '../../support/database.ts';

const name = `hi_test_migration_${process.pid}_${crypto.randomUUID().slice(0, 8)}`;
let sql: Sql;
const USER = crypto.randomUUID();
const T = Date.parse('2026-11-20T07:15:00Z');

const admin = () => postgres(`${SERVER_URL}/postgres`, { max: 1, onnotice: () => {} });

beforeAll(async () => {
  const server = admin();
  await server.unsafe(`CREATE DATABASE "${name}"`);
  await server.end();
  sql = createDb(`${SERVER_URL}/${name}`, { max: 4 });
  await migrate(sql, migrationFiles().filter((file) => file.version <= 4));
  // rows as the service wrote them before 0005: keyed without the metric
  await sql.unsafe(
    `INSERT INTO health_samples (user_id, source_id, source_record_id, start_at, end_at, metric_code, value_kind,
       value, unit, category_code, timezone_offset_minutes, timezone_source, local_date, received_at, changed_seq, deleted_at)
     SELECT $1::uuid, 'watch', 'rec-' || i, $2::timestamptz + make_interval(mins => i), $2::timestamptz + make_interval(mins => i),
            CASE WHEN i % 3 = 0 THEN 'sleep_stage' ELSE 'heart_rate' END,
            CASE WHEN i % 3 = 0 THEN 'CATEGORY' ELSE 'SCALAR_NUM' END,
            CASE WHEN i % 3 = 0 THEN NULL ELSE 60 + i END,
            CASE WHEN i % 3 = 0 THEN NULL ELSE 'bpm' END,
            CASE WHEN i % 3 = 0 THEN 'deep' END,
            60, 'sample', date '2026-11-20', now() - interval '1 hour', 1,
            CASE WHEN i = 7 THEN now() - interval '1 hour' END
     FROM generate_series(1, 30) i`,
    [USER, new Date(T).toISOString()],
  );
  await migrate(sql);
});

afterAll(async () => {
  await sql.end({ timeout: 5 });
  const server = admin();
  await server.unsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await server.end();
});

const heartRate = (sourceRecordId: string, minutes: number, value: number, fields: Partial<NormalizedSample> = {}): NormalizedSample => ({
  index: 0,
  sourceId: 'watch',
  sourceRecordId,
  metricCode: 'heart_rate',
  valueKind: 'SCALAR_NUM',
  value,
  unit: 'bpm',
  categoryCode: null,
  durationSeconds: null,
  startAtMs: T + minutes * 60_000,
  endAtMs: T + minutes * 60_000,
  timezoneOffsetMinutes: 60,
  timezoneSource: 'sample',
  localDate: '2026-11-20',
  metadata: {},
  sourceVersion: null,
  ...fields,
});

const rowsOf = (sourceRecordId: string) =>
  sql.unsafe('SELECT metric_code, value, deleted_at, timezone_source FROM health_samples WHERE user_id = $1 AND source_record_id = $2 ORDER BY metric_code', [
    USER,
    sourceRecordId,
  ]);

describe('migration 0005 on a table with rows', () => {
  test('keeps every row, and the key is (user, record, source, start, metric)', async () => {
    const [{ n }] = (await sql.unsafe('SELECT count(*)::int AS n FROM health_samples')) as unknown as [{ n: number }];
    expect(n).toBe(30);
    const key = await sql.unsafe(
      `SELECT a.attname FROM pg_index i JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord) ON true
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
       WHERE i.indrelid = 'health_samples'::regclass AND i.indisprimary ORDER BY k.ord`,
    );
    expect(key.map((row) => row.attname)).toEqual(['user_id', 'source_record_id', 'source_id', 'start_at', 'metric_code']);
  });

  test('an existing row is updated in place by a write of its key', async () => {
    const written = await sql.begin((tx) => upsertSamples(tx, USER, new Date(), [heartRate('rec-1', 1, 99)]));
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ sourceRecordId: 'rec-1', metricCode: 'heart_rate' });
    expect(await rowsOf('rec-1')).toEqual([{ metric_code: 'heart_rate', value: 99, deleted_at: null, timezone_source: 'sample' }] as never);
  });

  test('an identical write of an existing row changes nothing', async () => {
    const written = await sql.begin((tx) => upsertSamples(tx, USER, new Date(), [heartRate('rec-2', 2, 62)]));
    expect(written).toEqual([]);
  });

  test('another metric under an existing record id and start is a second row, not an overwrite', async () => {
    await sql.begin((tx) => upsertSamples(tx, USER, new Date(), [heartRate('rec-4', 4, 21, { metricCode: 'respiratory_rate' })]));
    expect((await rowsOf('rec-4')).map((row) => [row.metric_code, row.value])).toEqual([
      ['heart_rate', 64],
      ['respiratory_rate', 21],
    ]);
  });

  test('a delete by record id alone marks every metric of it', async () => {
    const deleted = await sql.begin((tx) => softDeleteSamples(tx, USER, new Date(), [{ sourceRecordId: 'rec-4', sourceId: null, metricCode: null, startAtMs: null }]));
    expect(deleted.map((row) => row.metricCode).sort()).toEqual(['heart_rate', 'respiratory_rate']);
    expect((await rowsOf('rec-4')).every((row) => row.deleted_at !== null)).toBe(true);
  });

  test('a row soft-deleted before the migration is revived by a later write', async () => {
    await sql.begin((tx) => upsertSamples(tx, USER, new Date(), [heartRate('rec-7', 7, 70)]));
    expect(await rowsOf('rec-7')).toEqual([{ metric_code: 'heart_rate', value: 70, deleted_at: null, timezone_source: 'sample' }] as never);
  });

  test("timezone_source 'zone' is stored; anything else is still refused", async () => {
    await sql.begin((tx) => upsertSamples(tx, USER, new Date(), [heartRate('rec-zone', 40, 70, { timezoneSource: 'zone' })]));
    expect((await rowsOf('rec-zone'))[0]!.timezone_source).toBe('zone');
    const refused = await sql.begin((tx) => upsertSamples(tx, USER, new Date(), [heartRate('rec-bad', 41, 70, { timezoneSource: 'guess' as never })])).catch((error: { code?: string }) => error.code);
    expect(refused).toBe('23514'); // check_violation
  });
});
