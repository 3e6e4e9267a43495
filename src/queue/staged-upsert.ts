// The worker's write: COPY the rows of a group of requests into a per-connection staging table,
// then one INSERT … SELECT … ON CONFLICT for all of them (COPY beats unnest arrays for large
// batches and lets one transaction carry several jobs).
//
// The COPY trap (porsager/postgres #1173): when the server rejects a COPY FROM STDIN, the
// postgres.js writable never settles and its transaction never rolls back. Two defences:
// the staging table is all-text and constraint-free, fed only by copyLine below, so the server
// has nothing to reject; and a watchdog ends the connection's backend if a COPY does not finish
// in time, which fails the transaction instead of leaking it.
import { run, type Queryable, type Sql, type Tx } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';
import type { NormalizedSample } from '../domain/types.ts';
import { toWrittenSample, type WrittenSample, type WrittenSampleRow } from '../ingest/queries.ts';

const CREATE_STAGING_TABLE = statement('queue/create_staging_table');
const COPY_INTO_STAGING = statement('queue/copy_into_staging');
const UPSERT_STAGED_SAMPLES = statement('queue/upsert_staged_samples');
const BACKEND_PID = statement('queue/backend_pid');
const TERMINATE_BACKEND = statement('queue/terminate_backend');

export const COPY_TIMEOUT_MS = 10_000;

export interface StagedRequest {
  /** position of the request in the group */
  slot: number;
  userId: string;
  receivedAt: Date;
  /** deduplicated, key-sorted rows of this request */
  rows: readonly NormalizedSample[];
}

/** COPY text format: backslash, tab, newline and carriage return escaped; \N is null. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value)
    ? value.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r')
    : value;
}

const copyNumber = (value: number | null) => (value === null ? '\\N' : String(value));

export function copyLine(slot: number, ordinal: number, userId: string, receivedAtIso: string, row: NormalizedSample): string {
  return [
    String(slot),
    String(ordinal),
    userId,
    receivedAtIso,
    copyText(row.sourceId),
    copyText(row.sourceRecordId),
    new Date(row.startAtMs).toISOString(),
    new Date(row.endAtMs).toISOString(),
    copyText(row.metricCode),
    row.valueKind,
    copyNumber(row.value),
    copyText(row.unit),
    copyText(row.categoryCode),
    copyNumber(row.durationSeconds),
    String(row.timezoneOffsetMinutes),
    row.timezoneSource,
    row.localDate,
    copyText(JSON.stringify(row.metadata)),
    copyNumber(row.sourceVersion),
  ].join('\t');
}

export function encodeStagingRows(requests: readonly StagedRequest[]): string {
  const lines: string[] = [];
  for (const request of requests) {
    const receivedAtIso = request.receivedAt.toISOString();
    request.rows.forEach((row, ordinal) => lines.push(copyLine(request.slot, ordinal, request.userId, receivedAtIso, row)));
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/**
 * Streams `text` through COPY on the transaction's connection; if it has not settled after
 * `timeoutMs`, terminates that connection's backend (from the pool) and rejects.
 */
export async function copyWithWatchdog(pool: Sql, tx: Tx, text: string, timeoutMs = COPY_TIMEOUT_MS): Promise<void> {
  const [backend] = await run<{ pid: number }>(tx, BACKEND_PID);
  const writable = (await tx.unsafe(COPY_INTO_STAGING).writable()) as unknown as NodeJS.WritableStream & {
    on(event: string, listener: (...args: unknown[]) => void): void;
  };
  const finished = new Promise<void>((resolve, reject) => {
    writable.on('finish', () => resolve());
    writable.on('error', (error) => reject(error));
  });
  writable.write(text);
  writable.end();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      run(pool, TERMINATE_BACKEND, [backend!.pid])
        .catch(() => {})
        .finally(() => reject(new Error(`COPY did not settle within ${timeoutMs} ms; connection terminated`)));
    }, timeoutMs);
  });
  try {
    await Promise.race([finished, watchdog]);
  } finally {
    clearTimeout(timer);
  }
}

/** COPY + one upsert for the group; returns the written rows per slot. */
export async function upsertStagedGroup(
  pool: Sql,
  tx: Tx,
  requests: readonly StagedRequest[],
  copyTimeoutMs = COPY_TIMEOUT_MS,
): Promise<Map<number, WrittenSample[]>> {
  const bySlot = new Map<number, WrittenSample[]>(requests.map((request) => [request.slot, []]));
  const text = encodeStagingRows(requests);
  if (text === '') return bySlot;
  await run(tx, CREATE_STAGING_TABLE);
  await copyWithWatchdog(pool, tx, text, copyTimeoutMs);
  const written = await run<WrittenSampleRow & { slot: number }>(tx as Queryable, UPSERT_STAGED_SAMPLES);
  for (const row of written) bySlot.get(row.slot)!.push(toWrittenSample(row));
  return bySlot;
}
