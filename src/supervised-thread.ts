// A Worker thread that runs one long-lived part of a process (the outbox processor, the webhook
// delivery worker) off the event loop that serves HTTP or the queue. The protocol: the parent
// posts `start` (with the part's own fields), the thread answers `started` or `failed`; `close`
// is answered `closed` once its work in flight has finished. Other messages go to `onMessage`.
// A thread that dies is logged and started again after a second, until close().
import { settleWithin } from './bounded.ts';
import { SECOND } from './limits.ts';
import { safeErrorMessage, type Logger } from './log.ts';

const RESTART_AFTER_MS = 1 * SECOND;

export interface SupervisedThread {
  /** resolves once the thread's part runs (rejects when it cannot start) */
  start(): Promise<void>;
  /** asks the thread to finish its work in flight (bounded by closeTimeoutMs), then ends it */
  close(): Promise<void>;
}

export function supervisedThread(options: {
  entry: URL;
  /** what the log lines call it, e.g. "outbox thread" */
  name: string;
  /** the `start` message's other fields */
  startFields: Record<string, unknown>;
  closeTimeoutMs: number;
  log: Logger;
  onMessage?: (message: { type: string }) => void;
}): SupervisedThread {
  const { log, name } = options;
  let worker: Worker | null = null;
  let closing = false;

  function spawn(): Promise<void> {
    const thread = new Worker(options.entry.href);
    worker = thread;
    return new Promise((resolve, reject) => {
      thread.onmessage = (event: MessageEvent) => {
        const message = event.data as { type: string; error?: string };
        if (message.type === 'started') resolve();
        else if (message.type === 'failed') reject(new Error(`${name} did not start: ${message.error}`));
        else options.onMessage?.(message);
      };
      thread.addEventListener('close', () => {
        if (closing || worker !== thread) return;
        log.error(`${name} ended unexpectedly; starting it again`);
        worker = null;
        setTimeout(() => {
          if (!closing) spawn().catch((error: unknown) => log.error({ err: error }, `${name} restart failed`));
        }, RESTART_AFTER_MS);
      });
      thread.addEventListener('error', (event) => log.error({ error: safeErrorMessage((event as ErrorEvent).message) }, `${name} error`));
      thread.postMessage({ ...options.startFields, type: 'start' });
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
          else options.onMessage?.(message);
        };
      });
      thread.postMessage({ type: 'close' });
      await settleWithin(closed, options.closeTimeoutMs);
      thread.terminate();
      worker = null;
    },
  };
}
