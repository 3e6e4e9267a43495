// The outbox processor in a thread of its own, for processes that also serve HTTP (`start`)
// or run the queue worker (`start:worker`): on the API's event loop, every round trip of the
// processor would wait behind request handling (the lag figures are in the README). The thread
// runs `entry` (start/outbox-thread-entry.ts, which composes the processor and its sinks), so
// this room knows no sink. A thread that dies is logged and started again (after a second)
// until close().
import { settleWithin } from '../bounded.ts';
import { OUTBOX_THREAD_CLOSE_MS, SECOND } from '../limits.ts';
import { safeErrorMessage, type Logger } from '../log.ts';

const RESTART_AFTER_MS = 1 * SECOND;

export interface OutboxThread {
  /** resolves once the processor runs (rejects when it cannot start) */
  start(): Promise<void>;
  /** stops claiming, lets the batches in flight finish (bounded), ends the thread */
  close(): Promise<void>;
}

export function outboxThread(options: { entry: URL; databaseUrl: string; logLevel: string; log: Logger }): OutboxThread {
  const { log } = options;
  let worker: Worker | null = null;
  let closing = false;

  function spawn(): Promise<void> {
    const thread = new Worker(options.entry.href);
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
      await settleWithin(closed, OUTBOX_THREAD_CLOSE_MS);
      thread.terminate();
      worker = null;
    },
  };
}
