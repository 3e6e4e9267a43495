// Redis connections for BullMQ. Producers fail fast (no offline queue, one retry) so an upload
// answers 503 QUEUE_UNAVAILABLE instead of waiting; workers retry forever (BullMQ requires
// maxRetriesPerRequest: null for blocking connections).
import Redis from 'ioredis';

export function producerConnection(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    enableOfflineQueue: false,
    connectTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

export function workerConnection(url: string): Redis {
  return new Redis(url, {
    maxRetriesPerRequest: null,
    connectTimeout: 3000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}
