// A user's own data (CONTRACT §10): the export as a stream of items, and the erasure, which runs
// in the service and is polled until it has finished.
import { abortReason, errorFromAnswer, HealthIngestError } from './errors.ts';
import { resolveLocation, sleep, type Transport } from './transport.ts';
import type { Erasure, SampleItem } from './wire-types.ts';

export interface PollSettings {
  transport: Transport;
  baseUrl: string;
  pollIntervalMs: number;
  pollTimeoutMs: number;
  now: () => number;
}

/** Every live sample of the user, one item per NDJSON line of GET /export, read as it streams. */
export async function* exportedItems(transport: Transport, signal: AbortSignal | undefined): AsyncGenerator<SampleItem> {
  const response = await transport.open({ method: 'GET', path: '/api/v1/health/export', headers: { accept: 'application/x-ndjson' }, signal });
  let count = 0;
  try {
    for await (const item of ndjsonLines(response)) {
      count += 1;
      yield JSON.parse(item) as SampleItem;
    }
  } catch (error) {
    if (signal?.aborted) throw abortReason(signal);
    if (error instanceof SyntaxError) throw error;
    throw new HealthIngestError({ status: 0, code: 'NETWORK_ERROR', detail: `the export stream broke off after ${count} items`, cause: error });
  }
}

/** The non-empty lines of a response body, as they arrive (all at once where fetch cannot stream). */
export async function* ndjsonLines(response: Response): AsyncGenerator<string> {
  const body = response.body;
  if (!body || typeof body.getReader !== 'function') {
    for (const line of (await response.text()).split('\n')) if (line.trim() !== '') yield line;
    return;
  }
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let rest = '';
  let finished = false;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      const lines = (rest + decoder.decode(value, { stream: true })).split('\n');
      rest = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') yield line;
    }
    finished = true;
    rest += decoder.decode();
    if (rest.trim() !== '') yield rest;
  } finally {
    // a consumer that stops early releases the connection
    if (!finished) await reader.cancel().catch(() => {});
  }
}

/** DELETE /data, then the erasure's state until it has completed. */
export async function eraseEverything(settings: PollSettings, signal: AbortSignal | undefined): Promise<Erasure> {
  const started = await settings.transport.send({ method: 'DELETE', path: '/api/v1/health/data', signal });
  if (started.status !== 202 && started.status !== 200) throw errorFromAnswer(started);
  let erasure = started.body as Erasure;
  const location = resolveLocation(settings.baseUrl, started.headers.get('location') ?? `/api/v1/health/data/erasures/${erasure.erasureId}`);
  const deadline = settings.now() + settings.pollTimeoutMs;
  while (erasure.status !== 'completed') {
    if (settings.now() > deadline) {
      throw new HealthIngestError({ status: 0, code: 'POLL_TIMEOUT', detail: `erasure ${erasure.erasureId} still ${erasure.status} after ${settings.pollTimeoutMs} ms` });
    }
    await sleep(settings.pollIntervalMs, signal);
    const answer = await settings.transport.send({ method: 'GET', path: location, signal });
    if (answer.status !== 200) throw errorFromAnswer(answer);
    erasure = answer.body as Erasure;
  }
  return erasure;
}
