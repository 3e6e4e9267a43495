// The inline path needs no 'processing' row anyone could see: one transaction holds the claim,
// the samples, the watermark, the event and the stored reply, so a crash rolls back all of it,
// and a concurrent duplicate waits on the user's lock and then finds the completed row.
//
// Round trips: the claim, the upsert and the deletes are pipelined on the transaction's
// connection (the server runs them in order, the claim's lock first); if the claim finds the
// request taken, the transaction rolls back and the caller answers from the request's state.
import type { Sql } from '../db/client.ts';
import { dedupeSamplesByKey } from '../domain/sample-rules.ts';
import { finishBatch, type PreparedBatch, type StoredReply } from './apply-batch.ts';
import { claimInlineRequest, lookupRequest, softDeleteSamples, upsertSamples, type RequestLookup } from './queries.ts';

export type InlineOutcome =
  | { kind: 'completed'; reply: StoredReply }
  /** someone else holds or finished the request; answer from its state */
  | { kind: 'taken'; earlier: RequestLookup };

class RequestTaken extends Error {}

export async function writeInline(db: Sql, batch: PreparedBatch, staleAfterSeconds: number): Promise<InlineOutcome> {
  const rows = dedupeSamplesByKey(batch.valid);
  try {
    const reply = await db.begin(async (tx) => {
      const claimed = claimInlineRequest(tx, { ...batch, staleAfterSeconds });
      const written = rows.length > 0 ? upsertSamples(tx, batch.userId, batch.receivedAt, rows) : Promise.resolve([]);
      const deleted =
        batch.deleteRefs.length > 0
          ? softDeleteSamples(tx, batch.userId, batch.receivedAt, batch.deleteRefs)
          : Promise.resolve([]);
      // the pipelined statements may fail after a lost claim: their outcome is the claim's
      written.catch(() => {});
      deleted.catch(() => {});
      if (!(await claimed)) throw new RequestTaken();
      return finishBatch(tx, batch, rows, await written, await deleted);
    });
    return { kind: 'completed', reply: reply as StoredReply };
  } catch (error) {
    if (!(error instanceof RequestTaken)) throw error;
    return { kind: 'taken', earlier: await lookupRequest(db, batch.userId, batch.requestId, staleAfterSeconds) };
  }
}
