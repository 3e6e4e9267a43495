// The delivery worker with its own pool, sender and address guard, built from the config.
// Its commits are asynchronous (synchronous_commit off): a database crash can lose the record of
// its last attempts, and those deliveries are then sent again — at least once, never lost
// (the deliveries themselves are written by the outbox's transactions).
import type { Config } from '../config.ts';
import { createDb } from '../db/client.ts';
import type { Logger } from '../log.ts';
import { createAddressGuard, type Resolver } from './address-guard.ts';
import { DeliveryWorker, type DeliveryObservation, type DeliveryWorkerOptions } from './delivery-worker.ts';
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
      await db.end({ timeout: 5 });
    },
  };
}
