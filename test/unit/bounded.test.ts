// bounded() and settleWithin(): a wait that ends in time whatever the awaited work does.
import { expect, test } from 'bun:test';
import { bounded, settleWithin, TimeoutError } from '../../src/bounded.ts';

const never = new Promise<never>(() => {});

test('bounded passes a result in time on and rejects, naming the work, when time runs out', async () => {
  expect(await bounded(Promise.resolve(7), 50, 'work')).toBe(7);
  const late = await bounded(never, 10, 'queue counts').catch((error: unknown) => error);
  expect(late).toBeInstanceOf(TimeoutError);
  expect((late as Error).message).toBe('queue counts timed out after 10 ms');
  expect(await bounded(never, 10, () => new RangeError('custom')).catch((error: unknown) => error)).toBeInstanceOf(RangeError);
});

test('settleWithin says whether the work finished in time, and passes a rejection in time on', async () => {
  expect(await settleWithin(Promise.resolve('done'), 50)).toBe(true);
  expect(await settleWithin(never, 10)).toBe(false);
  await expect(settleWithin(Promise.reject(new Error('refused')), 50)).rejects.toThrow('refused');
});
