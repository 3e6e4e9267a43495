// The delivery worker with its own pools, sender and address guard, built from the config.
// Commits: a send is an effect outside the database, so a crash must never rewind a lane to a
// head it already moved past (the receiver would see H, H+1, H, H+1). Claims commit
// synchronously, and a synchronous commit flushes all WAL before it: the records of earlier
// attempts and the (asynchronous) outbox commit that recorded the delivery, so nothing a send
// depends on can be lost after it. The attempts' records commit asynchronously: a crash loses at
// most the last ones since the latest claim, whose heads are then sent again (at least once),
// and no later head was sent yet. One flush per claim round instead of one per attempt.
import type { Config } from '../config.ts';
import { createDb } from '../db/client.ts';
import type { Logger } from '../log.ts';
import { createAddressGuard, type Resolver } from './address-guard.ts';
import type { DeliveryObservation } from './delivery-attempt.ts';
import { DeliveryWorker, type DeliveryWorkerOptions } from './delivery-worker.ts';
import { createSecretBox } from './secret-box.ts';
import { createSender } from './sender.ts';

export type DeliveryConfig = Pick<
  Config,
  'databaseUrl' | 'webhookAllowPrivate' | 'webhookSecretKey' | 'webhookRetryScheduleMs' | 'webhookConcurrency' | 'webhookEndpointConcurrency'
>;

export interface DeliveryService {
  worker: DeliveryWorker;
  start(): Promise<void>;
  /** stops claiming, lets the attempts in flight finish (bounded), closes the pool */
  close(): Promise<void>;
}

export function createDeliveryService(
  config: DeliveryConfig,
  log: Logger,
  options: Partial<Omit<DeliveryWorkerOptions, 'db' | 'log' | 'secrets' | 'sender'>> & { resolve?: Resolver; sendTimeoutMs?: number } = {},
  observe?: (observation: DeliveryObservation) => void,
): DeliveryService {
  const db = createDb(config.databaseUrl, { max: 4, synchronousCommit: 'off', applicationName: 'health-ingest-webhooks' });
  const claimDb = createDb(config.databaseUrl, { max: 1, applicationName: 'health-ingest-webhooks-claim' });
  const guard = createAddressGuard({ allowPrivate: config.webhookAllowPrivate, ...(options.resolve ? { resolve: options.resolve } : {}) });
  const sender = createSender({
    guard,
    maxSocketsPerOrigin: config.webhookEndpointConcurrency,
    ...(options.sendTimeoutMs ? { timeoutMs: options.sendTimeoutMs } : {}),
  });
  const worker = new DeliveryWorker({
    concurrency: config.webhookConcurrency,
    endpointConcurrency: config.webhookEndpointConcurrency,
    ...(config.webhookRetryScheduleMs ? { retrySchedule: config.webhookRetryScheduleMs } : {}),
    ...(observe ? { observe } : {}),
    ...options,
    db,
    claimDb,
    log,
    secrets: createSecretBox(config.webhookSecretKey),
    sender,
  });
  return {
    worker,
    start: () => worker.start(),
    async close() {
      await worker.close();
      sender.close();
      await Promise.all([db.end({ timeout: 5 }), claimDb.end({ timeout: 5 })]);
    },
  };
}
