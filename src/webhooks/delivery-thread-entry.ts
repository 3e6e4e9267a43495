// Runs inside the webhook delivery thread (delivery-thread.ts starts it). Messages in:
// {type: 'start', config, logLevel}, {type: 'close'}; out: {type: 'started'}, {type: 'failed',
// error}, {type: 'observations', counts: [[observation, count], …]} (every second), {type: 'closed'}.
import { createLogger } from '../log.ts';
import { createDeliveryService, type DeliveryConfig, type DeliveryService } from './delivery-service.ts';
import type { DeliveryObservation } from './delivery-attempt.ts';

declare const self: Worker;

const FLUSH_EVERY_MS = 1000;

let service: DeliveryService | null = null;
const counts = new Map<string, [DeliveryObservation, number]>();
let flusher: ReturnType<typeof setInterval> | null = null;

function observe(observation: DeliveryObservation): void {
  const key = JSON.stringify(observation);
  const entry = counts.get(key);
  if (entry) entry[1] += 1;
  else counts.set(key, [observation, 1]);
}

function flush(): void {
  if (counts.size === 0) return;
  self.postMessage({ type: 'observations', counts: [...counts.values()] });
  counts.clear();
}

self.onmessage = async (event: MessageEvent) => {
  const message = event.data as { type: string; config?: DeliveryConfig; logLevel?: string };
  if (message.type === 'start' && !service) {
    try {
      service = createDeliveryService(message.config!, createLogger(message.logLevel ?? 'info'), {}, observe);
      await service.start();
      flusher = setInterval(flush, FLUSH_EVERY_MS);
      self.postMessage({ type: 'started' });
    } catch (error) {
      self.postMessage({ type: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  } else if (message.type === 'close') {
    await service?.close().catch(() => {});
    if (flusher) clearInterval(flusher);
    flush();
    self.postMessage({ type: 'closed' });
  }
};
