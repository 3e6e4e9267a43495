// Closed-loop load: `clients` concurrent loops, each sending its next request as soon as the
// previous one answered, for `seconds`. Returns per-request latencies and the elapsed time.

export async function closedLoop(
  clients: number,
  seconds: number,
  send: (client: number, iteration: number) => Promise<void>,
): Promise<{ latenciesMs: number[]; elapsedSeconds: number; requests: number }> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      for (let iteration = 0; performance.now() < deadline; iteration++) {
        const t0 = performance.now();
        await send(client, iteration);
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  return { latenciesMs, elapsedSeconds, requests: latenciesMs.length };
}

/**
 * Closed loop over a fixed list of requests: `clients` loops take the next item as soon as their
 * previous request answered, until `seconds` pass or the items run out (`exhausted` says which).
 * The same list given to several services sends each the same requests in the same order.
 */
export async function closedLoopOver<T>(
  clients: number,
  seconds: number,
  items: readonly T[],
  send: (item: T, client: number) => Promise<void>,
): Promise<{ latenciesMs: number[]; elapsedSeconds: number; requests: number; exhausted: boolean }> {
  const latenciesMs: number[] = [];
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async (_, client) => {
      while (performance.now() < deadline && next < items.length) {
        const item = items[next++]!;
        const t0 = performance.now();
        await send(item, client);
        latenciesMs.push(performance.now() - t0);
      }
    }),
  );
  const elapsedSeconds = (performance.now() - started) / 1000;
  return { latenciesMs, elapsedSeconds, requests: latenciesMs.length, exhausted: next >= items.length };
}

/**
 * Open loop: request i is due at start + i / ratePerSecond, whether or not earlier ones have
 * answered (as independent phones would send). Latency counts from the due time, so a request
 * the generator could only start late is charged its wait (no coordinated omission); `lateMs`
 * is how far behind schedule the generator itself fell at worst (large: the generator, not the
 * service, was the bottleneck and the figures say little). A `send` that rejects rejects the
 * whole run (after the requests in flight have settled).
 */
export async function openLoop(
  ratePerSecond: number,
  seconds: number,
  send: (iteration: number) => Promise<void>,
): Promise<{ latenciesMs: number[]; elapsedSeconds: number; requests: number; lateMs: number }> {
  const latenciesMs: number[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const total = Math.floor(ratePerSecond * seconds);
  let lateMs = 0;
  let failure: unknown;
  for (let i = 0; i < total && failure === undefined; i++) {
    const due = started + (i * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await Bun.sleep(wait);
    lateMs = Math.max(lateMs, performance.now() - due);
    const request: Promise<void> = send(i).then(
      () => {
        latenciesMs.push(performance.now() - due);
        inFlight.delete(request);
      },
      (error: unknown) => {
        failure ??= error;
        inFlight.delete(request);
      },
    );
    inFlight.add(request);
  }
  await Promise.all(inFlight);
  if (failure !== undefined) throw failure;
  const elapsedSeconds = (performance.now() - started) / 1000;
  return { latenciesMs, elapsedSeconds, requests: latenciesMs.length, lateMs };
}
