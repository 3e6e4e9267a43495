// The webhook keys of the configuration: WEBHOOK_ALLOW_PRIVATE (CONTRACT §1), the secret key
// (the development one refused in production, like JWT_SECRET), the injectable retry schedule.
import { expect, test } from 'bun:test';
import { ConfigError, loadConfig } from '../../src/config.ts';

const production = { NODE_ENV: 'production', JWT_SECRET: 'a-production-secret-of-some-length' };

test('defaults: private addresses refused, the contract schedule, 32 / 8 requests in flight, 30 days kept', () => {
  const config = loadConfig({});
  expect(config.webhookAllowPrivate).toBe(false);
  expect(config.webhookRetryScheduleMs).toBeNull();
  expect([config.webhookConcurrency, config.webhookEndpointConcurrency, config.webhookRetentionDays]).toEqual([32, 8, 30]);
});

test('WEBHOOK_ALLOW_PRIVATE=true allows private addresses; other words are refused', () => {
  expect(loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'true' }).webhookAllowPrivate).toBe(true);
  expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'sometimes' })).toThrow(ConfigError);
});

test('the development webhook key is refused with NODE_ENV=production, a short key always', () => {
  expect(() => loadConfig(production)).toThrow(/WEBHOOK_SECRET_KEY must be set/);
  expect(loadConfig({ ...production, WEBHOOK_SECRET_KEY: 'k'.repeat(32) }).webhookSecretKey).toBe('k'.repeat(32));
  expect(() => loadConfig({ WEBHOOK_SECRET_KEY: 'short' })).toThrow(/at least 32 characters/);
});

test('WEBHOOK_RETRY_SCHEDULE_SECONDS takes seconds, with decimals; anything else is refused', () => {
  expect(loadConfig({ WEBHOOK_RETRY_SCHEDULE_SECONDS: '1, 0.5,30' }).webhookRetryScheduleMs).toEqual([1000, 500, 30_000]);
  for (const bad of ['a', '1,,2', '-1', '1;2']) expect(() => loadConfig({ WEBHOOK_RETRY_SCHEDULE_SECONDS: bad })).toThrow(/WEBHOOK_RETRY_SCHEDULE_SECONDS/);
});
