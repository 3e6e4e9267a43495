// A user's own data, out (CONTRACT §10): every live sample as NDJSON (one section-7 item per
// line) or in the csv import format, streamed from a cursor.
//
// Memory: a pull-based ReadableStream. Bun pulls the next chunk only when the socket has taken
// the previous one, and each pull fetches one chunk of EXPORT_CHUNK_ROWS rows from the portal, so
// a slow client holds the query (suspended, in the server) instead of the service buffering it.
// A client that goes away cancels the stream, which closes the portal: the query ends.
// The first chunk is fetched before the response starts, so an unavailable database is still a
// 503 problem; a failure later can only cut the stream (the client sees it break off).
import { statement } from '../db/sql-files.ts';
import type { Sql } from '../db/client.ts';
import { csvHeaderLine, toCsvLine, type ReadSampleItem } from '../imports/formats/csv/csv-columns.ts';

const EXPORT_SAMPLES = statement('export/export_samples');

/**
 * The export pool's sessions (it runs nothing but export_samples). A portal's rows are fetched a
 * chunk at a time, but the planner optimizes a statement for all of its rows: for a user with
 * millions it picks a parallel scan of the table and a sort of the user's rows (measured: 3 s
 * before the first row at 1M, 9 s at 3M, the sort spilling to disk), with JIT compilation on top.
 * Without full sorts it walks health_samples_live_by_metric_time in (metric, start) order,
 * sorting only the rows that share a start (an incremental sort), and the first chunk is there in
 * a millisecond; JIT would only delay it. No parallel plan either: a portal fetched a chunk at a
 * time runs its plan without workers anyway, so a Gather would only stand in the way.
 */
export const EXPORT_SESSION_SETTINGS: Record<string, string> = { enable_sort: 'off', jit: 'off', max_parallel_workers_per_gather: '0' };

/** Rows per fetch: ~250 kB of NDJSON, few enough round trips for >100k rows/s. */
export const EXPORT_CHUNK_ROWS = 1000;

export type ExportFormat = 'ndjson' | 'csv';

export const EXPORT_CONTENT_TYPES: Record<ExportFormat, string> = {
  ndjson: 'application/x-ndjson',
  csv: 'text/csv; charset=utf-8',
};

export interface SampleExporter {
  /** The user's export as a stream of bytes; rejects when the database cannot start it. */
  open(userId: string, format: ExportFormat): Promise<ReadableStream<Uint8Array>>;
}

type Rows = AsyncIterator<{ item: string }[]>;

export function sampleExporter(db: Sql): SampleExporter {
  return {
    async open(userId, format) {
      const cursor = db.unsafe(EXPORT_SAMPLES, [userId] as never[], { prepare: true }).cursor(EXPORT_CHUNK_ROWS) as unknown as AsyncIterable<{ item: string }[]>;
      const rows: Rows = cursor[Symbol.asyncIterator]();
      const encoder = new TextEncoder();
      const render = format === 'csv' ? csvChunk : ndjsonChunk;
      let first: IteratorResult<{ item: string }[]> | null = await rows.next();
      let header = format === 'csv' ? csvHeaderLine() : '';
      // a cancel that comes while a fetch is in flight is carried out when the fetch is back: only
      // then does postgres.js hold the suspended portal that return() closes
      let fetching = false;
      let cancelled = false;
      return new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            try {
              fetching = true;
              const next = first ?? (await rows.next());
              fetching = false;
              first = null;
              if (cancelled) {
                await rows.return?.();
                return;
              }
              if (next.done) {
                if (header !== '') controller.enqueue(encoder.encode(header));
                controller.close();
                return;
              }
              controller.enqueue(encoder.encode(header + render(next.value)));
              header = '';
            } catch (error) {
              fetching = false;
              if (!cancelled) controller.error(error);
            }
          },
          async cancel() {
            cancelled = true;
            if (!fetching) await rows.return?.();
          },
        },
        { highWaterMark: 0 },
      );
    },
  };
}

function ndjsonChunk(rows: readonly { item: string }[]): string {
  let text = '';
  for (const row of rows) text += row.item + '\n';
  return text;
}

/** The same items in the csv import's columns (csv-columns.ts, which the import reads). */
function csvChunk(rows: readonly { item: string }[]): string {
  let text = '';
  for (const row of rows) text += toCsvLine(JSON.parse(row.item) as ReadSampleItem);
  return text;
}
