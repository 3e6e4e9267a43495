// The read side of raw samples (CONTRACT §7): a user's live samples, keyset-paginated.
import { run, type Sql, type Tx } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';
import { encodeSampleCursor } from '../domain/sample-cursor.ts';
import type { SampleQuery } from '../domain/sample-query.ts';

const LIST_SAMPLES = statement('samples/list_samples');
const LIST_SAMPLES_OF_METRIC = statement('samples/list_samples_of_metric');
const PAGE_READ_PLAN = statement('samples/page_read_plan');

interface SampleRow {
  source_id: string;
  source_record_id: string;
  metric_code: string;
  value_kind: string;
  value: number | null;
  unit: string | null;
  category_code: string | null;
  duration_seconds: number | null;
  start_at: Date;
  end_at: Date;
  timezone_offset_minutes: number;
  timezone_source: string;
  local_date: string;
  metadata: Record<string, unknown>;
  source_version: string | null;
}

/** The page's rows (one more than the limit, when there are more), by the statement for the query. */
function readPage(tx: Tx, userId: string, query: SampleQuery): Promise<SampleRow[]> {
  const after = query.after;
  return query.metricCode === null
    ? run<SampleRow>(tx, LIST_SAMPLES, [
        userId,
        query.from,
        query.to,
        after?.metricCode ?? null,
        after?.startAt ?? null,
        after?.sourceId ?? null,
        after?.sourceRecordId ?? null,
        query.limit + 1,
      ])
    : run<SampleRow>(tx, LIST_SAMPLES_OF_METRIC, [
        userId,
        query.metricCode,
        query.from,
        query.to,
        // a cursor from another metric's listing starts this metric from its beginning
        after?.metricCode === query.metricCode ? after.startAt : null,
        after?.metricCode === query.metricCode ? after.sourceId : null,
        after?.metricCode === query.metricCode ? after.sourceRecordId : null,
        query.limit + 1,
      ]);
}

export async function listSamples(db: Sql, userId: string, query: SampleQuery) {
  // the plan setting is transaction-local; both statements go out at once (pipelined)
  const rows = await db.begin((tx) => Promise.all([run(tx, PAGE_READ_PLAN), readPage(tx, userId, query)]).then(([, page]) => page));
  const page = rows.slice(0, query.limit);
  const items = page.map((row) => ({
    sourceId: row.source_id,
    sourceRecordId: row.source_record_id,
    metricCode: row.metric_code,
    valueKind: row.value_kind,
    value: row.value,
    unit: row.unit,
    categoryCode: row.category_code,
    durationSeconds: row.duration_seconds,
    startAt: row.start_at.toISOString(),
    endAt: row.end_at.toISOString(),
    timezoneOffsetMinutes: row.timezone_offset_minutes,
    timezoneSource: row.timezone_source,
    localDate: row.local_date,
    metadata: row.metadata,
    sourceVersion: row.source_version === null ? null : Number(row.source_version),
  }));
  const last = items.at(-1);
  const nextCursor =
    rows.length > query.limit && last
      ? encodeSampleCursor({
          metricCode: last.metricCode,
          startAt: last.startAt,
          sourceId: last.sourceId,
          sourceRecordId: last.sourceRecordId,
        })
      : null;
  return { items, nextCursor };
}

export type SamplePage = Awaited<ReturnType<typeof listSamples>>;

/** The read of raw samples, bound to a pool (what the HTTP route receives). */
export interface SampleReader {
  list(userId: string, query: SampleQuery): Promise<SamplePage>;
}

export function sampleReader(db: Sql): SampleReader {
  return { list: (userId, query) => listSamples(db, userId, query) };
}
