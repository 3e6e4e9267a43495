import { describe, expect, test } from 'bun:test';
import { describeSchedule } from '../../../../src/domain/operations/cron-words.ts';

describe('describeSchedule', () => {
  test.each([
    ['*/15 * * * *', 'every 15 minutes'],
    ['*/1 * * * *', 'every minute'],
    ['* * * * *', 'every minute'],
    ['0 4 * * *', 'daily at 04:00 UTC'],
    ['30 23 * * *', 'daily at 23:30 UTC'],
    ['30 * * * *', 'every hour at minute 30'],
    ['0 */2 * * *', 'every 2 hours'],
    ['15 */6 * * *', 'every 6 hours at minute 15'],
    ['0 */15 * * * *', 'every 15 minutes'],
    ['0 0 4 * * *', 'daily at 04:00 UTC'],
  ])('%s is "%s"', (pattern, description) => {
    expect(describeSchedule(pattern)).toBe(description);
  });

  test.each([['0 4 * * 1'], ['0 4 1 * *'], ['*/5 * * * * *'], ['0 4-6 * * *'], ['nonsense'], ['']])(
    '%p is described as the pattern itself',
    (pattern) => {
      expect(describeSchedule(pattern)).toBe(`cron "${pattern}" (UTC)`);
    },
  );
});
