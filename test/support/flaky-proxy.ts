// A real HTTP proxy on loopback in front of the service, for clients that must survive a bad
// network: per request it passes, or answers 503 / 429 / 409 itself, or drops the connection
// before forwarding (the service never saw it) or after (the service did the work, the answer
// is lost), or cuts the answer half-way. Real sockets (node:http), no mocked fetch. Every
// request is logged with when it arrived and when it was answered, so tests can check order.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { seededRandom } from './seeded-random.ts';

export const FAULTS = ['drop-before', 'drop-after', 'cut-answer', 'busy-503', 'rate-429', 'still-409'] as const;
export type Fault = (typeof FAULTS)[number] | 'pass';

export interface ProxiedRequest {
  n: number;
  method: string;
  path: string;
  /** the upload's requestId (POST batch-upsert body) or the polled one (GET ingest-requests) */
  requestId: string | null;
  fault: Fault;
  arrivedAt: number;
  /** when the client got its whole answer (undefined for drops) */
  answeredAt?: number;
  status?: number;
}

export interface FlakyProxy {
  baseUrl: string;
  log: ProxiedRequest[];
  /** how many requests got each fault */
  faultCounts(): Record<Fault, number>;
  close(): Promise<void>;
}

/**
 * `rate` of the requests (drawn from a seeded sequence: the n-th request's fate is fixed) get a
 * fault, taking the `kinds` in turn so that each is met even in a short run.
 */
export function seededFaults(seed: number, rate: number, kinds: readonly Fault[] = FAULTS): (request: { method: string; path: string }) => Fault {
  const next = seededRandom(seed);
  let turn = 0;
  return () => (next() < rate ? (kinds[turn++ % kinds.length] as Fault) : 'pass');
}

const REQUEST_ID = /"requestId"\s*:\s*"([0-9a-f-]{36})"/i;
const POLLED_ID = /ingest-requests\/([0-9a-f-]{36})/i;
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'content-encoding', 'host']);

export async function startFlakyProxy(upstream: string, faultFor: (request: { method: string; path: string }) => Fault): Promise<FlakyProxy> {
  const log: ProxiedRequest[] = [];
  const server = createServer((request, response) => {
    readBody(request).then((body) => handle(request, response, body)).catch(() => response.socket?.destroy());
  });

  async function handle(request: IncomingMessage, response: ServerResponse, body: Buffer) {
    const method = request.method ?? 'GET';
    const path = request.url ?? '/';
    const isUpload = method === 'POST' && path.startsWith('/api/v1/health/samples/batch-upsert');
    let fault = faultFor({ method, path });
    if (fault === 'still-409' && !isUpload) fault = 'busy-503';
    const requestId = (isUpload ? REQUEST_ID.exec(body.toString('utf8')) : POLLED_ID.exec(path))?.[1]?.toLowerCase() ?? null;
    const entry: ProxiedRequest = { n: log.length, method, path, requestId, fault, arrivedAt: performance.now() };
    log.push(entry);
    const answer = (status: number, headers: Record<string, string>, bytes: Uint8Array) => {
      response.writeHead(status, { ...headers, 'content-length': String(bytes.byteLength) });
      response.end(bytes, () => {
        entry.answeredAt = performance.now();
        entry.status = status;
      });
    };

    switch (fault) {
      case 'drop-before':
        response.socket?.destroy();
        return;
      case 'busy-503':
        return answer(503, problemHeaders('1'), problem(503, 'SERVER_BUSY', { retryAfterMs: 20 }));
      case 'rate-429':
        return answer(429, problemHeaders('1'), problem(429, 'RATE_LIMITED', { retryAfterMs: 30 }));
      case 'still-409':
        return answer(409, problemHeaders('1'), problem(409, 'STILL_PROCESSING', { retryAfterMs: 25 }));
    }

    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (!HOP_BY_HOP.has(name) && typeof value === 'string') headers[name] = value;
    }
    const forwarded = await fetch(`${upstream}${path}`, {
      method,
      headers,
      body: method === 'GET' || method === 'HEAD' ? undefined : body,
    });
    const bytes = new Uint8Array(await forwarded.arrayBuffer());
    const replyHeaders: Record<string, string> = {};
    forwarded.headers.forEach((value, name) => {
      if (!HOP_BY_HOP.has(name)) replyHeaders[name] = value;
    });
    if (fault === 'drop-after') {
      response.socket?.destroy();
      return;
    }
    if (fault === 'cut-answer') {
      response.writeHead(forwarded.status, { ...replyHeaders, 'content-length': String(bytes.byteLength) });
      response.write(bytes.subarray(0, Math.floor(bytes.byteLength / 2)), () => response.socket?.destroy());
      return;
    }
    answer(forwarded.status, replyHeaders, bytes);
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    log,
    faultCounts() {
      const counts = Object.fromEntries([...FAULTS, 'pass'].map((fault) => [fault, 0])) as Record<Fault, number>;
      for (const entry of log) counts[entry.fault] += 1;
      return counts;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function problemHeaders(retryAfterSeconds: string): Record<string, string> {
  return { 'content-type': 'application/problem+json', 'retry-after': retryAfterSeconds, 'x-request-id': 'proxy' };
}

function problem(status: number, code: string, extras: Record<string, unknown>): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ type: 'about:blank', title: code, status, detail: `injected by the test proxy`, code, ...extras }));
}
