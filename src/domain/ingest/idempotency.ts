// What to do with an upload whose requestId was seen before (CONTRACT §4.4).
//
//   earlier state                   same hash            different hash
//   none                            process              —
//   completed                       replay stored reply  reused (422)
//   queued / processing (live)      still processing     reused (422)
//   processing, lease expired       process (take over)  reused (422)
//   failed                          process again        reused (422)

export type EarlierState = 'queued' | 'processing' | 'completed' | 'failed';

export type IdempotencyDecision = 'process' | 'replay' | 'still_processing' | 'reused';

export function decideOnEarlierRequest(
  earlier: { status: EarlierState; payloadHash: string; leaseExpired: boolean } | null,
  payloadHash: string,
): IdempotencyDecision {
  if (earlier === null) return 'process';
  if (earlier.payloadHash !== payloadHash) return 'reused';
  switch (earlier.status) {
    case 'completed':
      return 'replay';
    case 'failed':
      return 'process';
    case 'processing':
      return earlier.leaseExpired ? 'process' : 'still_processing';
    case 'queued':
      return 'still_processing';
  }
}

/** How long a client should wait, in seconds, before asking again about a queued or running request. */
export const RETRY_AFTER_SECONDS = 1;
