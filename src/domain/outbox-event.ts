// An outbox event as its consumers see it (the processor and every sink it feeds): one row of
// outbox_events, written in the same transaction as the change it describes.
export interface OutboxEvent {
  id: number;
  userId: string;
  /** e.g. 'health.samples.changed' (change-event.ts) */
  type: string;
  /** the user's watermark seq of the transaction that wrote the event */
  seq: number;
  payload: unknown;
  /** claims so far, this one included */
  attempts: number;
}
