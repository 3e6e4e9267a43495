// Webhook helpers of the chaos suite: a receiver that can go down and come back on its port,
// endpoint registration, a sustained ingest loop (each upload one change: one seq), and the
// final check — every event of every user delivered at least once, in seq order per user.
import { expect } from 'bun:test';
import type postgres from 'postgres';
import { batch, heartRate } from '../../support/batches.ts';
import { sparePort } from '../../support/processes.ts';
import { startReceiver, type ReceivedWebhook, type Receiver } from '../../support/webhook-receiver.ts';
import { newLog, sendUntilCompleted, type ClientLog } from './client.ts';
import { ADMIN_KEY, type Stack } from './stack.ts';

/** The retry schedule of the chaos stacks: retries every 1–4 s, never given up within minutes. */
export const CHAOS_RETRY_SCHEDULE = Array.from({ length: 45 }, (_, i) => Math.min(4, 1 + i)).join(',');

export interface DownableReceiver {
  url: string;
  received: ReceivedWebhook[];
  respond: Receiver['respond'];
  down(): Promise<void>;
  up(): void;
  stop(): Promise<void>;
}

export function downableReceiver(): DownableReceiver {
  const port = sparePort();
  const received: ReceivedWebhook[] = [];
  let current: Receiver | null = null;
  const handle: DownableReceiver = {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    respond: () => new Response('ok'),
    up() {
      current = startReceiver('/hook', port);
      current.received = received;
      current.respond = (webhook, index) => handle.respond(webhook, index);
    },
    async down() {
      await current?.stop();
      current = null;
    },
    stop: () => handle.down(),
  };
  handle.up();
  return handle;
}

export async function registerEndpoint(baseUrl: string, url: string): Promise<{ id: string; secret: string }> {
  const response = await fetch(`${baseUrl}/admin/webhooks`, {
    method: 'POST',
    headers: { 'x-api-key': ADMIN_KEY, 'content-type': 'application/json' },
    body: JSON.stringify({ url, events: ['health.samples.changed'] }),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { id: string; secret: string };
}

/**
 * `users` clients upload small inline batches of fresh samples (one change, one seq each) until
 * `until()` holds, re-sending through outages like a mobile client; returns their log and how
 * many uploads each completed, and each upload's latency.
 */
export async function sustainedIngest(
  stack: Stack,
  baseUrl: () => string,
  users: string[],
  until: () => boolean,
  options: { pauseMs?: number; apiMayBeDown?: () => boolean } = {},
): Promise<{ log: ClientLog; uploads: Map<string, number>; latenciesMs: number[] }> {
  const log = newLog();
  const uploads = new Map<string, number>();
  const latenciesMs: number[] = [];
  await Promise.all(
    users.map(async (userId, lane) => {
      const token = await stack.token(userId);
      let i = 0;
      for (; !until(); i++) {
        const samples = Array.from({ length: 20 }, (_, j) =>
          heartRate({ sourceRecordId: `w-${lane}-${i}-${j}`, startAt: new Date(Date.UTC(2026, 0, 1) + (i * 20 + j) * 60_000).toISOString() }),
        );
        const started = performance.now();
        const result = await sendUntilCompleted(batch(samples), {
          baseUrl,
          token,
          log,
          deadlineMs: 60_000,
          ...(options.apiMayBeDown ? { apiMayBeDown: options.apiMayBeDown } : {}),
        });
        latenciesMs.push(performance.now() - started);
        if (result.status !== 200) log.violations.push(`upload answered ${result.status}`);
        await Bun.sleep(options.pauseMs ?? 50);
      }
      uploads.set(userId, i);
    }),
  );
  return { log, uploads, latenciesMs };
}

/** Each user's seqs as they arrived at the receiver, consecutive repeats (retries) collapsed. */
export function arrivalOrder(received: ReceivedWebhook[], userId: string): number[] {
  const seqs = received.filter((w) => w.json?.data?.userId === userId).map((w) => w.json.data.minRequiredSeq as number);
  return seqs.filter((seq, i) => i === 0 || seq !== seqs[i - 1]);
}

/**
 * Waits until every change of every user reached the receiver, then checks at least once and in
 * order: per user, the seqs seen are exactly 1..watermark, and arrive ascending (a retry repeats
 * the head only). Returns per user {seqs, received (with repeats)} for the report.
 */
export async function expectEveryChangeDelivered(
  sql: postgres.Sql,
  receiver: { received: ReceivedWebhook[] },
  users: string[],
  timeoutMs = 120_000,
): Promise<Record<string, { seqs: number; received: number }>> {
  const watermarks = new Map<string, number>();
  for (const row of await sql<{ user_id: string; seq: number }[]>`SELECT user_id, seq::int AS seq FROM user_health_watermarks WHERE user_id = ANY(${users})`) {
    watermarks.set(row.user_id, row.seq);
  }
  const missing = () =>
    users.reduce((sum, userId) => sum + (watermarks.get(userId) ?? 0) - new Set(arrivalOrder(receiver.received, userId)).size, 0);
  const deadline = Date.now() + timeoutMs;
  while (missing() > 0 && Date.now() < deadline) await Bun.sleep(200);
  const report: Record<string, { seqs: number; received: number }> = {};
  for (const userId of users) {
    const n = watermarks.get(userId) ?? 0;
    expect(n).toBeGreaterThan(0);
    const order = arrivalOrder(receiver.received, userId);
    expect(order).toEqual(Array.from({ length: n }, (_, i) => i + 1));
    report[userId.slice(0, 8)] = { seqs: n, received: receiver.received.filter((w) => w.json?.data?.userId === userId).length };
  }
  return report;
}
