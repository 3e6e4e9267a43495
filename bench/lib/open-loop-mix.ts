// The open-loop part of bench/inline-throughput.ts (--open-loop): the soak's inline mix (45
// uploads of 50 samples to 9 of 399 per second, i.e. 5:1) first closed-loop with 8 clients to
// find its capacity in requests/s, then open-loop — requests due on a schedule, whether or not
// earlier ones have answered — at 50 % and 70 % of that capacity. Latency counts from the due
// time; the open-loop requests come from 64 users, as in the soak. Gates (issue 18): p99 ≤ 50 ms
// at 50 %, ≤ 100 ms at 70 %. A `send` that rejects (an unexpected status) fails the run.
import { closedLoopOver, openLoop } from './load.ts';
import { uploadBody } from './sample-bodies.ts';
import { summarize } from './stats.ts';

export interface MixRequest {
  size: number;
  body: string;
}

/** Bodies of the mix in its order: five of 50 samples, then one of 399. */
export function mixBodies(count: number): MixRequest[] {
  return Array.from({ length: count }, (_, i) => {
    const size = i % 6 === 5 ? 399 : 50;
    return { size, body: uploadBody(size, Date.UTC(2022, 0, 1) + (i % 1000) * size * 60_000) };
  });
}

export async function openLoopMix(options: {
  seconds: number;
  clients: number;
  /** sends one upload as user `user` (0..63; a closed-loop client is user `client`); resolves when answered */
  send: (request: MixRequest, client: number) => Promise<void>;
}) {
  const { seconds, clients, send } = options;
  const capacityBodies = mixBodies(Math.ceil(seconds * 600));
  const capacityRun = await closedLoopOver(clients, seconds, capacityBodies, (request, client) => send(request, client));
  const capacity = capacityRun.requests / capacityRun.elapsedSeconds;
  let samples = capacityBodies.slice(0, capacityRun.requests).reduce((sum, r) => sum + r.size, 0);
  const rows: (string | number)[][] = [
    [`mix closed-loop, ${clients} clients (capacity)${capacityRun.exhausted ? ' (bodies ran out)' : ''}`, capacityRun.requests, capacity, ...Object.values(summarize(capacityRun.latenciesMs)).slice(1)],
  ];
  const gates: Record<string, { value: number; goal: string; pass: boolean }> = {};
  for (const [fraction, goalMs] of [[0.5, 50], [0.7, 100]] as const) {
    // built before the schedule starts (the rate is known now), so sending costs the generator little
    const bodies = mixBodies(Math.floor(capacity * fraction * seconds));
    const run = await openLoop(capacity * fraction, seconds, async (i) => {
      const request = bodies[i]!;
      samples += request.size;
      await send(request, i % 64);
    });
    const stats = summarize(run.latenciesMs);
    rows.push([`mix open-loop at ${fraction * 100} % of capacity (generator late ≤ ${run.lateMs.toFixed(0)} ms)`, run.requests, run.requests / run.elapsedSeconds, stats.p50, stats.p95, stats.p99]);
    gates[`openLoopP99At${fraction * 100}`] = { value: stats.p99, goal: `≤ ${goalMs} ms`, pass: stats.p99 <= goalMs };
  }
  return { rows, gates, capacity, samples };
}
