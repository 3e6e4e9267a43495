// The delivery worker in a thread of its own (`start`, `start:worker`), like the outbox
// processor: its round trips and sends do not wait behind request handling, and its work does
// not stall the API's event loop. Attempt and delivery outcomes come back as counts every second
// for the parent's /metrics. A thread that dies is logged and started again after a second.
import { SECOND, WEBHOOK_THREAD_CLOSE_MS } from '../limits.ts';
import { safeErrorMessage, type Logger } from '../log.ts';
import type { DeliveryConfig } from './delivery-service.ts';
import { settleWithin } from '../bounded.ts';
import type { DeliveryObservation } from './delivery-attempt.ts';

const RESTART_AFTER_MS = 1 * SECOND;

export interface DeliveryThread {
  start(): Promise<void>;
  close(): Promise<void>;
}

export function deliveryThread(options: {
  config: DeliveryConfig;
  logLevel: string;
  log: Logger;
  observe?: (observation: DeliveryObservation, count: number) => void;
}): DeliveryThread {
  const { log } = options;
  let worker: Worker | null = null;
  let closing = false;

  const onMessage = (message: { type: string; counts?: [DeliveryObservation, number][] }) => {
    if (message.type === 'observations') for (const [observation, count] of message.counts ?? []) options.observe?.(observation, count);
  };

  function spawn(): Promise<void> {
    const thread = new Worker(new URL('./delivery-thread-entry.ts', import.meta.url).href);
    worker = thread;
    return new Promise((resolve, reject) => {
      thread.onmessage = (event: MessageEvent) => {
        const message = event.data as { type: string; error?: string };
        if (message.type === 'started') resolve();
        else if (message.type === 'failed') reject(new Error(`webhook delivery thread did not start: ${message.error}`));
        else onMessage(message);
      };
      thread.addEventListener('close', () => {
        if (closing || worker !== thread) return;
        log.error('webhook delivery thread ended unexpectedly; starting it again');
        worker = null;
        setTimeout(() => {
          if (!closing) spawn().catch((error: unknown) => log.error({ err: error }, 'webhook delivery thread restart failed'));
        }, RESTART_AFTER_MS);
      });
      thread.addEventListener('error', (event) => log.error({ error: safeErrorMessage((event as ErrorEvent).message) }, 'webhook delivery thread error'));
      thread.postMessage({ type: 'start', config: { ...options.config }, logLevel: options.logLevel });
    });
  }

  return {
    start: spawn,
    async close() {
      closing = true;
      const thread = worker;
      if (!thread) return;
      const closed = new Promise<void>((resolve) => {
        thread.onmessage = (event: MessageEvent) => {
          const message = event.data as { type: string };
          if (message.type === 'closed') resolve();
          else onMessage(message);
        };
      });
      thread.postMessage({ type: 'close' });
      await settleWithin(closed, WEBHOOK_THREAD_CLOSE_MS);
      thread.terminate();
      worker = null;
    },
  };
}
