// Tests wait for conditions, never for time: poll `probe` until `done` holds or fail, naming
// `what`, with the last value seen. The one polling loop of the suites (unit to chaos).
export async function until<T>(
  probe: () => Promise<T> | T,
  done: (value: T) => boolean,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not met in ${timeoutMs} ms (last: ${String(JSON.stringify(value)).slice(0, 300)})`);
    await Bun.sleep(20);
  }
}
