// The outbox processor with its sinks, on a pool of its own: the one place that knows both the
// outbox and what it feeds (a new sink is one more entry in `sinks`). The webhook sink is a
// projection of the coordinator (it keeps a checkpoint per user, which orders deliveries), and the
// last one: its deliveries commit in the transaction that marks the events processed.
//
// Its commits are asynchronous (synchronous_commit off): everything it writes derives from the
// outbox, and a database crash loses only a suffix of the WAL — claims, applies and marks after
// some point, in commit order — so the events concerned are simply processed again. It spares
// each claim, apply and mark the wait for the WAL flush (bench/outbox-lag.ts).
import { createDb } from '../db/client.ts';
import { defaultCatalog } from '../domain/catalog/catalog.ts';
import type { Logger } from '../log.ts';
import { ProjectionCoordinator } from '../projections/coordinator.ts';
import { registeredProjections } from '../projections/registry.ts';
import type { EventSink } from '../outbox/event-sink.ts';
import { OutboxProcessor, type OutboxProcessorOptions } from '../outbox/processor.ts';
import { webhookSink } from '../webhooks/webhook-sink.ts';
import { wakeWorkersAfterCommit } from '../webhooks/wake-up.ts';

export interface OutboxService {
  processor: OutboxProcessor;
  start(): Promise<void>;
  /** stops claiming, finishes the batches in flight (bounded), closes the pool */
  close(): Promise<void>;
}

export function createOutboxService(
  databaseUrl: string,
  log: Logger,
  options: Partial<Omit<OutboxProcessorOptions, 'db' | 'log' | 'sinks'>> = {},
): OutboxService {
  const lanes = options.lanes ?? 4;
  const db = createDb(databaseUrl, { max: lanes + 1, synchronousCommit: 'off', applicationName: 'health-ingest-outbox' });
  const sinks: EventSink[] = [
    new ProjectionCoordinator(db, [...registeredProjections(defaultCatalog), webhookSink(() => wakeWorkersAfterCommit(db))]),
  ];
  const processor = new OutboxProcessor({ ...options, db, log, sinks, lanes });
  return {
    processor,
    start: () => processor.start(),
    async close() {
      await processor.close();
      await db.end({ timeout: 5 });
    },
  };
}
