// The delivery worker in a thread of its own (`start`, `start:worker`), like the outbox
// processor: its round trips and sends do not wait behind request handling, and its work does
// not stall the API's event loop. Attempt and delivery outcomes come back as counts every second
// for the parent's /metrics. A thread that dies is logged and started again (supervised-thread.ts).
import { WEBHOOK_THREAD_CLOSE_MS } from '../limits.ts';
import type { Logger } from '../log.ts';
import { supervisedThread, type SupervisedThread } from '../supervised-thread.ts';
import type { DeliveryConfig } from './delivery-service.ts';
import type { DeliveryObservation } from './delivery-attempt.ts';

export type DeliveryThread = SupervisedThread;

export function deliveryThread(options: {
  config: DeliveryConfig;
  logLevel: string;
  log: Logger;
  observe?: (observation: DeliveryObservation, count: number) => void;
}): DeliveryThread {
  return supervisedThread({
    entry: new URL('./delivery-thread-entry.ts', import.meta.url),
    name: 'webhook delivery thread',
    startFields: { config: { ...options.config }, logLevel: options.logLevel },
    closeTimeoutMs: WEBHOOK_THREAD_CLOSE_MS,
    log: options.log,
    onMessage: (message: { type: string; counts?: [DeliveryObservation, number][] }) => {
      if (message.type === 'observations') for (const [observation, count] of message.counts ?? []) options.observe?.(observation, count);
    },
  });
}
