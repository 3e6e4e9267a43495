// The outbox processor in a thread of its own, for processes that also serve HTTP (`start`)
// or run the queue worker (`start:worker`). On the API's event loop, every round trip of the
// processor waited behind request handling: at 8 clients × 399-sample uploads its commit →
// projected lag was 1.5 s at p50; in its own thread, 0.2 s (bench/outbox-lag.ts, 2 cores; both
// measured while each apply still cost more as a user's history grew).
// A thread that dies is logged and started again (after a second) until close().
import { safeErrorMessage, type Logger } from '../log.ts';

const RESTART_AFTER_MS = 1000;
const CLOSE_TIMEOUT_MS = 12_000;

export interface OutboxThread {
  /** resolves once the processor runs (rejects when it cannot start) */
  start(): Promise<void>;
  /** stops claiming, lets the batches in flight finish (bounded), ends the thread */
  close(): Promise<void>;
}

export function outboxThread(options: { databaseUrl: string; logLevel: string; log: Logger }): OutboxThread {
  const { log } = options;
  let worker: Worker | null = null;
  let closing = false;

  function spawn(): Promise<void> {
    const thread = new Worker(new URL('./thread-entry.ts', import.meta.url).href);
    worker = thread;
    return new Promise((resolve, reject) => {
      thread.onmessage = (event: MessageEvent) => {
        const message = event.data as { type: string; error?: string };
        if (message.type === 'started') resolve();
        if (message.type === 'failed') reject(new Error(`outbox thread did not start: ${message.error}`));
      };
      thread.addEventListener('close', () => {
        if (closing || worker !== thread) return;
        log.error('outbox thread ended unexpectedly; starting it again');
        worker = null;
        setTimeout(() => {
          if (!closing) spawn().catch((error: unknown) => log.error({ err: error }, 'outbox thread restart failed'));
        }, RESTART_AFTER_MS);
      });
      thread.addEventListener('error', (event) => log.error({ error: safeErrorMessage((event as ErrorEvent).message) }, 'outbox thread error'));
      thread.postMessage({ type: 'start', databaseUrl: options.databaseUrl, logLevel: options.logLevel });
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
          if ((event.data as { type: string }).type === 'closed') resolve();
        };
      });
      thread.postMessage({ type: 'close' });
      await Promise.race([closed, Bun.sleep(CLOSE_TIMEOUT_MS)]);
      thread.terminate();
      worker = null;
    },
  };
}
