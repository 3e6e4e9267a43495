// Statements that wake the outbox processors notify the channel the processor listens on
// (OUTBOX_CHANNEL), those that wake the webhook delivery workers theirs (WEBHOOKS_CHANNEL): a typo
// in one would only show as lag.
import { expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SQL_ROOT, statement } from '../../../src/db/sql-files.ts';
import { OUTBOX_CHANNEL } from '../../../src/outbox/queries.ts';
import { WEBHOOKS_CHANNEL } from '../../../src/webhooks/queries.ts';

const statements = readdirSync(join(SQL_ROOT, 'queries'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.sql') && !file.split('/').at(-1)!.startsWith('_'))
  .map((file) => file.slice(0, -'.sql'.length));

const notified = () =>
  statements.flatMap((name) => [...statement(name).matchAll(/pg_notify\('([^']*)'/g)].map((match) => [name, match[1]] as const));

test('every pg_notify outside webhooks/ names OUTBOX_CHANNEL', () => {
  const channels = notified().filter(([name]) => !name.startsWith('webhooks/'));
  expect(channels.map(([name]) => name).sort()).toEqual(['erasure/record_user_erased', 'imports/finish_import', 'outbox/notify_outbox', 'outbox/replay_dead_events']);
  for (const [, channel] of channels) expect(channel).toBe(OUTBOX_CHANNEL);
});

test('every pg_notify in webhooks/ names WEBHOOKS_CHANNEL', () => {
  const channels = notified().filter(([name]) => name.startsWith('webhooks/'));
  expect(channels.map(([name]) => name).sort()).toEqual(['webhooks/insert_test_delivery', 'webhooks/notify_workers', 'webhooks/wake_workers']);
  for (const [, channel] of channels) expect(channel).toBe(WEBHOOKS_CHANNEL);
});
