// The inline path needs no 'processing' row anyone could see: one transaction holds the claim,
// the samples, the watermark, the event and the stored reply, so a crash rolls back all of it,
// and a concurrent duplicate waits on the user's lock and then finds the completed row.
import type { Sql } from '../db/client.ts';
import { applyBatch, type PreparedBatch, type StoredReply } from './apply-batch.ts';
import { claimInlineRequest, lookupRequest, type RequestLookup } from './queries.ts';

export type InlineOutcome =
  | { kind: 'completed'; reply: StoredReply }
  /** someone else holds or finished the request; answer from its state */
  | { kind: 'taken'; earlier: RequestLookup };

export async function writeInline(db: Sql, batch: PreparedBatch, staleAfterSeconds: number): Promise<InlineOutcome> {
  return db.begin(async (tx) => {
    const claimed = await claimInlineRequest(tx, { ...batch, staleAfterSeconds });
    if (!claimed) {
      return { kind: 'taken', earlier: await lookupRequest(tx, batch.userId, batch.requestId, staleAfterSeconds) };
    }
    return { kind: 'completed', reply: await applyBatch(tx, batch) };
  }) as Promise<InlineOutcome>;
}
