// The group writer of rows (sample-writes.ts SampleRowWriter): COPY the rows of a group of users
// into a per-connection staging table, then one INSERT … SELECT … ON CONFLICT for all of them
// (COPY beats unnest arrays for large batches and lets one transaction carry several requests).
// The statements sit beside the inline upsert's in sql/queries/ingest/; both include the same
// conflict and tombstone rules.
//
// The COPY trap (porsager/postgres #1173): when the server rejects a COPY FROM STDIN, the
// postgres.js writable never settles and its transaction never rolls back. Two defences:
// the staging table is all-text and constraint-free, fed only by copyLine below, so the server
// has nothing to reject; and a watchdog fails a COPY that does not finish in time, so its
// transaction rolls back instead of leaking.
import { run, type Queryable, type Tx } from '../db/client.ts';
import { statement } from '../db/sql-files.ts';
import { COPY_WATCHDOG_MS } from '../limits.ts';
import type { NormalizedSample } from '../domain/types.ts';
import { toWrittenSample, type PartRows, type SampleRowWriter, type WrittenSample, type WrittenSampleRow } from './sample-writes.ts';

const CREATE_STAGING_TABLE = statement('ingest/create_staging_table');
const COPY_INTO_STAGING = statement('ingest/copy_into_staging');
const UPSERT_STAGED_SAMPLES = statement('ingest/upsert_staged_samples');

/** COPY text format: backslash, tab, newline and carriage return escaped; \N is null. */
function copyText(value: string | null): string {
  if (value === null) return '\\N';
  return /[\\\t\n\r]/.test(value)
    ? value.replaceAll('\\', '\\\\').replaceAll('\t', '\\t').replaceAll('\n', '\\n').replaceAll('\r', '\\r')
    : value;
}

const copyNumber = (value: number | null) => (value === null ? '\\N' : String(value));

export function copyLine(userId: string, receivedAtIso: string, row: NormalizedSample): string {
  return [
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

export function encodeStagingRows(requests: readonly PartRows[]): string {
  const lines: string[] = [];
  for (const request of requests) {
    const receivedAtIso = request.receivedAt.toISOString();
    for (const row of request.rows) lines.push(copyLine(request.userId, receivedAtIso, row));
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

/**
 * Streams `text` through COPY on the transaction's connection. If the COPY has not settled after
 * `timeoutMs` (the server rejected it and postgres.js lost the error), the writable is destroyed:
 * postgres.js then sends CopyFail, which the server ignores outside COPY mode, the await below
 * rejects, and the transaction rolls back on a connection that is still healthy.
 */
export async function copyWithWatchdog(tx: Tx, text: string, timeoutMs = COPY_WATCHDOG_MS): Promise<void> {
  const writable = (await tx.unsafe(COPY_INTO_STAGING).writable()) as unknown as NodeJS.WritableStream & {
    on(event: string, listener: (...args: unknown[]) => void): void;
    destroy(error: Error): void;
  };
  const finished = new Promise<void>((resolve, reject) => {
    writable.on('finish', () => resolve());
    writable.on('error', (error) => reject(error));
  });
  const timer = setTimeout(
    () => writable.destroy(new Error(`COPY did not settle within ${timeoutMs} ms (rejected by the server?)`)),
    timeoutMs,
  );
  try {
    writable.write(text);
    writable.end();
    await finished;
  } finally {
    clearTimeout(timer);
  }
}

/** COPY + one upsert for the group; returns the written rows per user. */
export async function upsertStagedGroup(
  tx: Tx,
  requests: readonly PartRows[],
  copyTimeoutMs = COPY_WATCHDOG_MS,
): Promise<Map<string, WrittenSample[]>> {
  const byUser = new Map<string, WrittenSample[]>(requests.map((request) => [request.userId, []]));
  if (byUser.size !== requests.length) throw new Error('a group holds at most one request per user');
  const text = encodeStagingRows(requests);
  if (text === '') return byUser;
  await run(tx, CREATE_STAGING_TABLE);
  await copyWithWatchdog(tx, text, copyTimeoutMs);
  const written = await run<WrittenSampleRow & { user_id: string }>(tx as Queryable, UPSERT_STAGED_SAMPLES);
  for (const row of written) byUser.get(row.user_id)!.push(toWrittenSample(row));
  return byUser;
}

/** COPY → staging → one upsert for the group: the queue's writer, and the one for large groups. */
export function copyRows(copyTimeoutMs = COPY_WATCHDOG_MS): SampleRowWriter {
  return { pipelinedWithClaim: false, write: (tx, parts) => upsertStagedGroup(tx, parts, copyTimeoutMs) };
}
