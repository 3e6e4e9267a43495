// Statements that wake the outbox processors notify the channel the processor listens on
// (OUTBOX_CHANNEL): a typo in one would only show as lag.
import { expect, test } from 'bun:test';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SQL_ROOT, statement } from '../../../src/db/sql-files.ts';
import { OUTBOX_CHANNEL } from '../../../src/outbox/queries.ts';

const statements = readdirSync(join(SQL_ROOT, 'queries'), { recursive: true, encoding: 'utf8' })
  .filter((file) => file.endsWith('.sql') && !file.split('/').at(-1)!.startsWith('_'))
  .map((file) => file.slice(0, -'.sql'.length));

test('every pg_notify of every statement names OUTBOX_CHANNEL', () => {
  const channels = statements.flatMap((name) => [...statement(name).matchAll(/pg_notify\('([^']*)'/g)].map((match) => [name, match[1]]));
  expect(channels.map(([name]) => name).sort()).toEqual(['outbox/replay_dead_events', 'requests/complete_request']);
  for (const [, channel] of channels) expect(channel).toBe(OUTBOX_CHANNEL);
});
