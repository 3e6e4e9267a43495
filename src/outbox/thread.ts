// The outbox processor in a thread of its own, for processes that also serve HTTP (`start`)
// or run the queue worker (`start:worker`): on the API's event loop, every round trip of the
// processor would wait behind request handling (the lag figures are in the README). The thread
// runs `entry` (start/outbox-thread-entry.ts, which composes the processor and its sinks), so
// this room knows no sink. A thread that dies is logged and started again (supervised-thread.ts).
import { OUTBOX_THREAD_CLOSE_MS } from '../limits.ts';
import type { Logger } from '../log.ts';
import { supervisedThread, type SupervisedThread } from '../supervised-thread.ts';

/** start: resolves once the processor runs; close: stops claiming, lets the batches in flight finish (bounded) */
export type OutboxThread = SupervisedThread;

export function outboxThread(options: { entry: URL; databaseUrl: string; logLevel: string; log: Logger }): OutboxThread {
  return supervisedThread({
    entry: options.entry,
    name: 'outbox thread',
    startFields: { databaseUrl: options.databaseUrl, logLevel: options.logLevel },
    closeTimeoutMs: OUTBOX_THREAD_CLOSE_MS,
    log: options.log,
  });
}
