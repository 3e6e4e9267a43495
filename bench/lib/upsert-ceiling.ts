// The DB-only ceiling of the inline path: our upsert statement (sql/queries/ingest/upsert_samples)
// with no HTTP, no validation, no hashing: `writers` concurrent 399-row transactions of fresh rows
// (each pass over the pre-built batches writes them for new users, so every upsert inserts).
import type { Sql } from '../../src/db/client.ts';
import { dedupeSamplesByKey } from '../../src/domain/ingest/sample-keys.ts';
import type { NormalizedSample } from '../../src/domain/types.ts';
import { upsertSamples } from '../../src/ingest/sample-writes.ts';
import { closedLoop } from './load.ts';
import { preparedFromText } from './prepared-batches.ts';
import { uploadBody } from './sample-bodies.ts';

/** `count` batches of `size` normalized, deduplicated rows, as the inline path would write them. */
export function ceilingBatches(count: number, size: number): NormalizedSample[][] {
  return Array.from({ length: count }, (_, i) =>
    dedupeSamplesByKey(preparedFromText(crypto.randomUUID(), uploadBody(size, Date.UTC(2018, 0, 1) + i * size * 60_000)).valid),
  );
}

export async function runUpsertCeiling(sql: Sql, batches: NormalizedSample[][], writers: number, seconds: number) {
  const users = new Map<string, string>();
  const userOf = (writer: number, pass: number) => {
    const key = `${writer}/${pass}`;
    if (!users.has(key)) users.set(key, crypto.randomUUID());
    return users.get(key)!;
  };
  let next = 0;
  let rows = 0;
  const result = await closedLoop(writers, seconds, async (writer) => {
    const batch = next++;
    const batchRows = batches[batch % batches.length]!;
    await sql.begin((tx) => upsertSamples(tx, userOf(writer, Math.floor(batch / batches.length)), new Date(), batchRows));
    rows += batchRows.length;
  });
  return { ...result, rows, rowsPerSecond: rows / result.elapsedSeconds };
}
