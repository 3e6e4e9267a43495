// Runs inside the outbox thread (outbox/thread.ts starts it; start/parts.ts names this file): the
// processor with its sinks on an event loop of its own. Messages in: {type: 'start', databaseUrl,
// logLevel}, {type: 'close'}; out: {type: 'started'}, {type: 'failed', error}, {type: 'closed'}.
import { createLogger } from '../log.ts';
import { createOutboxService, type OutboxService } from './outbox-service.ts';

declare const self: Worker;

let service: OutboxService | null = null;

self.onmessage = async (event: MessageEvent) => {
  const message = event.data as { type: string; databaseUrl?: string; logLevel?: string };
  if (message.type === 'start' && !service) {
    try {
      service = createOutboxService(message.databaseUrl!, createLogger(message.logLevel ?? 'info'));
      await service.start();
      self.postMessage({ type: 'started' });
    } catch (error) {
      self.postMessage({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  } else if (message.type === 'close') {
    await service?.close().catch(() => {});
    self.postMessage({ type: 'closed' });
  }
};
