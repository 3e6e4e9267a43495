// The inline path needs no 'processing' row anyone could see: one transaction holds the claim,
// the samples, the watermark, the event and the stored reply, so a crash rolls back all of it,
// and a concurrent duplicate waits on the user's lock and then finds the completed row.
//
// Round trips: the claim, the upsert and the deletes are pipelined on the transaction's
// connection (the server runs them in order, the claim's lock first); if the claim finds the
// request taken, the transaction rolls back and the caller answers from the request's state.
import type { Sql } from '../db/client.ts';
import { uploadPart, type PreparedBatch, type StoredReply } from './finish-batch.ts';
import { claimInlineRequest, lookupRequest, type RequestLookup } from '../requests/queries.ts';
import { unnestRows } from './sample-writes.ts';
import { writeGroup } from './write-group.ts';

export type InlineOutcome =
  | { kind: 'completed'; reply: StoredReply }
  /** someone else holds or finished the request; answer from its state */
  | { kind: 'taken'; earlier: RequestLookup }
  /** an erasure of the user fenced the upload off: nothing of it was stored */
  | { kind: 'fenced' };

export async function writeInline(db: Sql, batch: PreparedBatch, staleAfterSeconds: number): Promise<InlineOutcome> {
  const part = uploadPart(batch, (tx) => claimInlineRequest(tx, { ...batch, staleAfterSeconds }));
  const [outcome] = await writeGroup(db, [part], unnestRows);
  if (outcome!.kind === 'written') return { kind: 'completed', reply: outcome!.result };
  if (outcome!.kind === 'fenced') return { kind: 'fenced' };
  return { kind: 'taken', earlier: await lookupRequest(db, batch.userId, batch.requestId, staleAfterSeconds) };
}
