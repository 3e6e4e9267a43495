// The baseline every write-path figure is judged against (STYLE #13, COMPASS: "≥ 10× an
// ORM-style writer in-run"): what an ORM's save() loop does — one INSERT … ON CONFLICT per row,
// one round trip each, inside one transaction. It runs the service's own upsert statement with
// one row at a time, so the only difference from the real writer is the per-row round trip.
import type { Tx } from '../../src/db/client.ts';
import type { NormalizedSample } from '../../src/domain/types.ts';
import { upsertSamples } from '../../src/ingest/sample-writes.ts';

export async function writeRowByRow(tx: Tx, userId: string, receivedAt: Date, rows: readonly NormalizedSample[]): Promise<void> {
  for (const row of rows) await upsertSamples(tx, userId, receivedAt, [row]);
}
