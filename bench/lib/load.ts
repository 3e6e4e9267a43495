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
