// Writes through the real ingest use case below the queue threshold (so every change leaves its
// real outbox event), for tests that need data rather than an upload.
import type { Sql } from '../../src/db/client.ts';
import { defaultCatalog } from '../../src/domain/catalog/catalog.ts';
import { validateBatchBody } from '../../src/domain/ingest/upload-schema.ts';
import { submitBatch, type IngestDeps } from '../../src/ingest/submit.ts';
import { batch, type SampleInput } from './batches.ts';

/** The ingest use case's dependencies for tests that stay below the queue threshold. */
export function ingestDeps(db: Sql, now: () => number = Date.now): IngestDeps {
  return {
    db,
    config: { ingestQueueThreshold: 400, reaperStaleAfterSeconds: 300, maxBatchItems: 500 },
    catalog: defaultCatalog,
    now,
    queue: {
      submit: () => {
        throw new Error('these tests stay below the queue threshold');
      },
      // no queued request of these tests is old enough to be looked up in Redis
      releaseAbandoned: async () => false,
    },
  };
}

/** Writes a batch inline; returns the user's new watermark seq (null when nothing changed). */
export async function write(db: Sql, userId: string, samples: SampleInput[], deleted?: SampleInput[]): Promise<number | null> {
  const body = batch(samples, deleted ? { deleted } : {});
  const checked = validateBatchBody(body, 500);
  if (!checked.ok) throw new Error(JSON.stringify(checked.errors));
  const reply = await submitBatch(ingestDeps(db), {
    userId,
    body: checked.value,
    headerOffsetMinutes: undefined,
    receivedAt: new Date(),
  });
  if (reply.status >= 300) throw new Error(`write answered ${reply.status}: ${reply.bodyText}`);
  return JSON.parse(reply.bodyText).watermarkSeq;
}
