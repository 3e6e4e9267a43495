// The outbox wake-up's coalescing (src/outbox/wake-up.ts): requests while a send runs share one
// next send, started only after the running one finished (so after their commits); none is lost.
import { expect, test } from 'bun:test';
import { CoalescedSend } from '../../../src/outbox/wake-up.ts';

function controlledSends() {
  const finishers: (() => void)[] = [];
  const send = () => new Promise<void>((resolve) => finishers.push(resolve));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return { send, finishers, settle };
}

test('a request with nothing in flight sends at once', () => {
  const { send, finishers } = controlledSends();
  new CoalescedSend(send).request();
  expect(finishers.length).toBe(1);
});

test('requests while a send runs share one next send, after it', async () => {
  const { send, finishers, settle } = controlledSends();
  const wakeUp = new CoalescedSend(send);
  wakeUp.request();
  wakeUp.request();
  wakeUp.request();
  await settle();
  expect(finishers.length).toBe(1); // the next waits for the running one
  finishers[0]!();
  await settle();
  expect(finishers.length).toBe(2);
  finishers[1]!();
  await settle();
  expect(finishers.length).toBe(2); // nothing asked meanwhile: no third
  wakeUp.request();
  expect(finishers.length).toBe(3); // idle again: at once
});

test('a request during the follow-up send gets a send of its own', async () => {
  const { send, finishers, settle } = controlledSends();
  const wakeUp = new CoalescedSend(send);
  wakeUp.request();
  wakeUp.request();
  finishers[0]!();
  await settle();
  wakeUp.request(); // while the second runs
  finishers[1]!();
  await settle();
  expect(finishers.length).toBe(3);
});
