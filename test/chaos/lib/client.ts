// A mobile client as the contract wants it: it sends a batch and re-sends the same body (same
// requestId) until the request is completed, honouring Retry-After, with a timeout on every
// request and a bound on the whole. It records every answer that the contract forbids under
// faults: a 5xx other than 503, a 503/409 without Retry-After, a hang (client timeout).
// Connection errors are allowed only when the test says the API is down (`apiMayBeDown`).

export interface ClientLog {
  violations: string[];
  answers: Record<string, number>;
}

export function newLog(): ClientLog {
  return { violations: [], answers: {} };
}

export interface SendOptions {
  baseUrl: () => string;
  token: string;
  log: ClientLog;
  /** per request */
  timeoutMs?: number;
  /** for the whole request, retries included */
  deadlineMs?: number;
  /** connection errors are expected (the test kills the API) */
  apiMayBeDown?: () => boolean;
  /** called before each re-send (e.g. to run the reaper when a request is stuck) */
  onStuck?: (requestId: string, attempts: number) => Promise<void>;
}

export interface Completed {
  status: number;
  body: { accepted: number; unchanged: number; failed: unknown[]; watermarkSeq: number | null } & Record<string, unknown>;
  attempts: number;
}

const count = (log: ClientLog, what: string) => {
  log.answers[what] = (log.answers[what] ?? 0) + 1;
};

/** Sends `body` until completed; returns the final (inline or queued) result. */
export async function sendUntilCompleted(body: { requestId: string } & Record<string, unknown>, options: SendOptions): Promise<Completed> {
  const text = JSON.stringify(body);
  const timeoutMs = options.timeoutMs ?? 15_000;
  const deadline = Date.now() + (options.deadlineMs ?? 120_000);
  for (let attempt = 1; ; attempt++) {
    if (Date.now() > deadline) throw new Error(`request ${body.requestId} not completed before the deadline (${attempt - 1} attempts)`);
    let response: Response;
    let answer: string;
    const sentAt = Date.now();
    try {
      response = await fetch(`${options.baseUrl()}/api/v1/health/samples/batch-upsert`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        body: text,
        signal: AbortSignal.timeout(timeoutMs),
      });
      answer = await response.text();
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        count(options.log, 'timeout');
        options.log.violations.push(`hang: no answer in ${timeoutMs} ms (request ${body.requestId}, sent ${new Date(sentAt).toISOString()})`);
      } else {
        count(options.log, 'connection error');
        if (!options.apiMayBeDown?.()) options.log.violations.push(`connection error while the API was up: ${(error as Error).message}`);
      }
      await Bun.sleep(200);
      continue;
    }
    count(options.log, String(response.status));
    const retryAfter = response.headers.get('retry-after');
    switch (response.status) {
      case 200:
      case 207:
        return { status: response.status, body: JSON.parse(answer), attempts: attempt };
      case 202: {
        const result = await pollQueued(body.requestId, options, deadline, timeoutMs);
        if (result) return { ...result, attempts: attempt };
        continue; // failed (worker lost, reaped, dependency down): re-send processes it again
      }
      case 409:
      case 503:
        if (!retryAfter || !/^\d+$/.test(retryAfter)) options.log.violations.push(`${response.status} without a Retry-After: ${answer.slice(0, 200)}`);
        await options.onStuck?.(body.requestId, attempt);
        // honour Retry-After, capped so the test stays short (the contract's value is a hint)
        await Bun.sleep(Math.min(Number(retryAfter ?? 1) * 1000, 1000));
        continue;
      default:
        options.log.violations.push(`answered ${response.status}: ${answer.slice(0, 300)}`);
        await Bun.sleep(200);
    }
  }
}

/** Polls GET ingest-requests/{id} until completed (its result) or failed (null). */
async function pollQueued(requestId: string, options: SendOptions, deadline: number, timeoutMs: number) {
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${options.baseUrl()}/api/v1/health/ingest-requests/${requestId}`, {
        headers: { authorization: `Bearer ${options.token}` },
        signal: AbortSignal.timeout(timeoutMs),
      });
      const answer = await response.text();
      if (response.status === 200) {
        const state = JSON.parse(answer);
        if (state.status === 'completed') return { status: state.result.statusCode as number, body: state.result.body };
        if (state.status === 'failed') return null;
        // queued or processing: a stuck one is re-sent (409 → take-over when the lease expired)
        if (Date.now() - Date.parse(state.updatedAt) > 3_000) return null;
      } else if (response.status === 503) {
        if (!response.headers.get('retry-after')) options.log.violations.push(`GET 503 without Retry-After`);
      } else {
        options.log.violations.push(`GET ingest-requests answered ${response.status}: ${answer.slice(0, 200)}`);
      }
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError') options.log.violations.push(`hang: GET ingest-requests gave no answer in ${timeoutMs} ms`);
      else if (!options.apiMayBeDown?.()) options.log.violations.push(`GET connection error while the API was up: ${(error as Error).message}`);
    }
    await Bun.sleep(100);
  }
  return null;
}
