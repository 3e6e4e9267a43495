// The re-send decision table (CONTRACT §4.4, domain/idempotency.ts): what an upload whose
// requestId was seen before gets, for every earlier state, with the same or another payload.
import { describe, expect, test } from 'bun:test';
import { decideOnEarlierRequest, type EarlierState, type IdempotencyDecision } from '../../../../src/domain/ingest/idempotency.ts';

const HASH = 'a'.repeat(64);
const OTHER = 'b'.repeat(64);

describe('the same payload hash', () => {
  test.each<[EarlierState, boolean, IdempotencyDecision]>([
    ['completed', false, 'replay'],
    ['queued', false, 'still_processing'],
    ['processing', false, 'still_processing'],
    ['processing', true, 'process'],
    ['failed', false, 'process'],
  ])('%s (lease expired: %p) → %s', (status, leaseExpired, decision) => {
    expect(decideOnEarlierRequest({ status, payloadHash: HASH, leaseExpired }, HASH)).toBe(decision);
  });
});

describe('another payload hash is always a reused key, whatever the state', () => {
  test.each<[EarlierState, boolean]>([
    ['completed', false],
    ['queued', false],
    ['processing', false],
    ['processing', true],
    ['failed', false],
  ])('%s (lease expired: %p) → reused', (status, leaseExpired) => {
    expect(decideOnEarlierRequest({ status, payloadHash: HASH, leaseExpired }, OTHER)).toBe('reused');
  });
});

test('no earlier request → process', () => {
  expect(decideOnEarlierRequest(null, HASH)).toBe('process');
});
