// The webhook sink of the outbox: for a user's applied events, one pending delivery per
// subscribed, enabled endpoint, recorded inside the outbox's apply transaction (the one that
// marks the events processed when this sink is the last registered): an event is never marked
// without its deliveries, and one applied again adds none (unique endpoint + event).
// Shaped like a projection (name, eventTypes, apply), so the coordinator keeps its checkpoint
// per user: the delivery worker sends a user's delivery only once every earlier seq of that user
// went through this sink, which keeps per-user order when events are applied out of order.
import type { Tx } from '../db/client.ts';
import { messageIdOfEvent, webhookDataOf, WEBHOOK_EVENT_TYPES } from '../domain/webhooks/events.ts';
import type { OutboxEvent } from '../domain/outbox-event.ts';
import type { Projection } from '../projections/coordinator.ts';
import { recordDeliveries } from './queries.ts';

/** The sink's name: its checkpoint rows are (user, 'webhooks') in projection_checkpoints. */
export const WEBHOOKS_SINK = 'webhooks';

export function webhookSink(wakeWorkers?: () => void): Projection {
  return {
    name: WEBHOOKS_SINK,
    eventTypes: WEBHOOK_EVENT_TYPES,
    async apply(tx: Tx, userId: string, events: readonly OutboxEvent[], afterCommit) {
      const recorded = await recordDeliveries(
        tx,
        userId,
        events.map((event) => ({
          eventId: event.id,
          seq: event.seq,
          type: event.type,
          messageId: messageIdOfEvent(event.id),
          data: webhookDataOf(event.type, event.payload),
        })),
      );
      if (recorded > 0 && wakeWorkers) afterCommit(wakeWorkers);
    },
  };
}
