// Chaos: PostgreSQL restarts (fast, then immediate — a crash-like stop) while 4 clients upload
// inline and queued batches through `bun run src/main.ts` (API + worker). Every batch also
// deletes a few keys written before (each delete ref form in turn), so deletes meet the outage
// on both paths too. Clients may see only 2xx, 409 and 503 with Retry-After — never another 5xx,
// never a hang (15 s client timeout) — and re-send until completed.
// Ends with: rows stored = the keys sent minus the keys deleted since, in each client's order;
// no duplicates, nothing deleted revived; every request completed.
//
// History: before patches/postgres@3.4.9.patch (nextWrite on a closed socket threw from a timer,
// porsager/postgres #1066/#1154/#1208) and the request deadlines, 8 runs gave 1 pass, 2 hangs
// (> 15 s) and 5 process crashes.
import { afterAll, beforeAll, expect, test } from 'bun:test';
import { batch, heartRate } from '../support/batches.ts';
import type { ServiceChild } from '../support/processes.ts';
import { newLog, sendUntilCompleted } from './lib/client.ts';
import { keyOfSample, requestStatuses, startStack, storedKeys, type Stack } from './lib/stack.ts';

let stack: Stack;
let service: ServiceChild;

beforeAll(async () => {
  stack = await startStack({ REAPER_STALE_AFTER_SECONDS: '3' });
  service = await stack.start('src/main.ts');
});
afterAll(() => stack?.destroy());

const MINUTE = 60_000;

test('PostgreSQL restarted twice during sustained inline + queued ingest', async () => {
  const users = Array.from({ length: 4 }, () => crypto.randomUUID());
  const log = newLog();
  const expected = new Map<string, Set<string>>();
  let faultsOver = false;
  const restarts: string[] = [];
  const restarter = (async () => {
    // down for ~1.5 s each time, so that clients meet the outage mid-request
    for (const mode of ['fast', 'immediate'] as const) {
      await Bun.sleep(1500);
      const started = Date.now();
      stack.pg.stop(mode);
      await Bun.sleep(1500);
      stack.pg.start();
      restarts.push(`${mode} stop → start: down ${Date.now() - started} ms`);
    }
    await Bun.sleep(1000);
    faultsOver = true;
  })();
  const sent = new Map<string, number>();
  const deleted = new Set<string>();
  await Promise.all(
    users.map(async (userId, lane) => {
      const token = await stack.token(userId);
      const keys = new Set<string>();
      expected.set(userId, keys);
      const refForms = [
        (s: Record<string, unknown>) => ({ sourceRecordId: s.sourceRecordId }),
        (s: Record<string, unknown>) => ({ sourceRecordId: s.sourceRecordId, sourceId: s.sourceId }),
        (s: Record<string, unknown>) => ({ sourceRecordId: s.sourceRecordId, sourceId: s.sourceId, startAt: s.startAt }),
        (s: Record<string, unknown>) => ({ sourceRecordId: s.sourceRecordId, metricCode: 'heart_rate' }),
      ];
      let previous: Record<string, unknown>[] = [];
      let i = 0;
      for (; i < 400 && !faultsOver; i++) {
        const queued = i % 4 === 3;
        const n = queued ? 420 : 80;
        // keys overlap between consecutive batches of a client
        const samples = Array.from({ length: n }, (_, j) => {
          const k = (i * 60 + j) % 1000;
          return heartRate({ sourceRecordId: `p-${k}`, value: 40 + ((i + j + lane) % 200), startAt: new Date(Date.UTC(2026, 9, 1) + k * MINUTE).toISOString() });
        });
        // five keys of the previous batch that this one does not write again are deleted
        const rewritten = new Set(samples.map(keyOfSample));
        const doomed = previous.filter((s) => !rewritten.has(keyOfSample(s))).slice(0, 5);
        // receipt order is each client's order (it waits for every batch): samples, then deletes
        for (const s of samples) keys.add(keyOfSample(s));
        for (const s of doomed) {
          keys.delete(keyOfSample(s));
          deleted.add(`${userId}|${keyOfSample(s)}`);
        }
        previous = samples;
        const body = batch(samples, doomed.length > 0 ? { deleted: doomed.map((s, d) => refForms[(i + d) % refForms.length]!(s)) } : {});
        const result = await sendUntilCompleted(body, { baseUrl: () => service.baseUrl, token, log, timeoutMs: 15_000, deadlineMs: 60_000 }).catch(
          async (error: Error) => {
            const [row] = await stack.sql`SELECT status, attempts, route, heartbeat_at, updated_at, last_error FROM health_ingest_requests WHERE user_id = ${userId} AND request_id = ${body.requestId}`;
            log.violations.push(`${error.message}; request row ${JSON.stringify(row)}`);
            return { status: 0, body: { accepted: n } as never, attempts: 0 };
          },
        );
        if (result.status === 0) break;
        if (result.status !== 200 || result.body.accepted !== n) log.violations.push(`unexpected result ${result.status} ${JSON.stringify(result.body).slice(0, 200)}`);
      }
      sent.set(userId, i);
    }),
  );
  await restarter;
  let revived = 0;
  for (const userId of users) {
    const stored = await storedKeys(stack.sql, userId);
    revived += [...stored.keys].filter((key) => deleted.has(`${userId}|${key}`) && !expected.get(userId)!.has(key)).length;
  }
  console.log(`PostgreSQL restarts: ${restarts.join('; ')}; batches sent ${[...sent.values()].join('+')}; keys deleted ${deleted.size}, revived ${revived}; client answers ${JSON.stringify(log.answers)}`);
  if (log.violations.length > 0 || service.process.exitCode !== null) {
    const file = `/tmp/chaos-postgres-restart-${process.pid}.log`;
    await Bun.write(file, service.output());
    console.log(`service exit ${service.process.exitCode} ${service.process.signalCode}; its output is in ${file}`);
  }
  expect(service.process.exitCode).toBeNull();
  expect(restarts.length).toBe(2);
  expect(log.violations).toEqual([]);
  expect(revived).toBe(0);
  expect(deleted.size).toBeGreaterThan(0);
  for (const userId of users) {
    const stored = await storedKeys(stack.sql, userId);
    expect(stored.rows).toBe(expected.get(userId)!.size);
    expect(stored.keys).toEqual(expected.get(userId)!);
    expect(await requestStatuses(stack.sql, userId)).toEqual({ completed: sent.get(userId)! });
  }
  // the service is still healthy
  const ready = await fetch(`${service.baseUrl}/readyz`);
  expect({ status: ready.status, body: await ready.text() }).toMatchObject({ status: 200 });
}, 240_000);
