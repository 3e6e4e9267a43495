// One HTTP POST of a webhook (CONTRACT §11) over node:http(s), which lets the address guard be
// the connection's DNS lookup (Bun's fetch has no such hook): the address checked is the address
// connected to. No redirect is followed (a 3xx is a failed attempt, like any non-2xx); the whole
// attempt — connect, send, response, its body — has one deadline (15 s); at most
// MAX_RESPONSE_BYTES of the response are read (then the connection is dropped), none is kept.
// Keep-alive agents reuse connections per origin; a kept socket was checked when it connected.
import http from 'node:http';
import https from 'node:https';
import { WEBHOOK_SEND_TIMEOUT_MS } from '../limits.ts';
import { isIpLiteral } from '../domain/webhooks/addresses.ts';
import { bareHost, type AddressGuard } from './address-guard.ts';

const MAX_RESPONSE_BYTES = 64 * 1024;

export interface SendResult {
  /** the response's status; null when there was none (refused, timed out, connection failed) */
  statusCode: number | null;
  /** why there was no (2xx) response, short and without the body; null for a 2xx */
  error: string | null;
  durationMs: number;
}

export interface Sender {
  send(url: string, headers: Record<string, string>, body: string): Promise<SendResult>;
  close(): void;
}

export function createSender(options: { guard: AddressGuard; timeoutMs?: number; maxSocketsPerOrigin?: number }): Sender {
  const timeoutMs = options.timeoutMs ?? WEBHOOK_SEND_TIMEOUT_MS;
  const agentOptions = { keepAlive: true, maxSockets: options.maxSocketsPerOrigin ?? 8, timeout: 30_000 };
  const agents = { 'http:': new http.Agent(agentOptions), 'https:': new https.Agent(agentOptions) };
  const { guard } = options;

  function send(url: string, headers: Record<string, string>, body: string): Promise<SendResult> {
    const started = performance.now();
    const finish = (statusCode: number | null, error: string | null): SendResult => ({
      statusCode,
      error,
      durationMs: performance.now() - started,
    });
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return Promise.resolve(finish(null, 'invalid URL'));
    }
    const protocol = target.protocol as 'http:' | 'https:';
    if (protocol !== 'http:' && protocol !== 'https:') return Promise.resolve(finish(null, `refused: ${target.protocol} URL`));
    const host = bareHost(target.hostname);
    if (isIpLiteral(host)) {
      const refused = guard.refusalOfAddress(host);
      if (refused) return Promise.resolve(finish(null, `refused: ${refused}`));
    }
    const payload = Buffer.from(body, 'utf8');
    return new Promise<SendResult>((resolve) => {
      let settled = false;
      const settle = (result: SendResult) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const request = (protocol === 'https:' ? https : http).request({
        protocol,
        hostname: host,
        port: target.port || undefined,
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        agent: agents[protocol],
        lookup: guard.lookup,
        headers: { ...headers, 'content-length': String(payload.byteLength) },
      });
      const timer = setTimeout(() => {
        settle(finish(null, `timed out after ${timeoutMs / 1000} s`));
        request.destroy();
      }, timeoutMs);
      request.on('socket', (socket) => {
        // a kept-alive socket was checked when it connected
        if (!socket.connecting) return;
        socket.once('connect', () => {
          const refused = socket.remoteAddress ? guard.refusalOfAddress(socket.remoteAddress) : null;
          if (refused) request.destroy(new Error(`refused: connected to ${refused}`));
        });
      });
      request.on('error', (error: Error & { code?: string }) => {
        const text = error.message.startsWith('refused') ? error.message : error.code === 'WEBHOOK_ADDRESS_REFUSED' ? `refused: ${error.message}` : (error.code ?? error.message);
        settle(finish(null, text.slice(0, 300)));
      });
      request.on('response', (response) => {
        const status = response.statusCode ?? 0;
        const outcome = status >= 200 && status < 300 ? null : status >= 300 && status < 400 ? `redirect ${status} not followed` : `HTTP ${status}`;
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.byteLength;
          if (read > MAX_RESPONSE_BYTES) {
            settle(finish(status, outcome));
            response.destroy();
          }
        });
        response.on('end', () => settle(finish(status, outcome)));
        response.on('error', () => settle(finish(status, outcome)));
        response.on('close', () => settle(finish(status, outcome)));
      });
      request.end(payload);
    });
  }

  return {
    send,
    close() {
      agents['http:'].destroy();
      agents['https:'].destroy();
    },
  };
}
