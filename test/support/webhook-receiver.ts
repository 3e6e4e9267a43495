// A webhook receiver the test runs on loopback: records every request (headers, raw body, when)
// and answers as the test says (default 200). Signatures are checked with the test's own HMAC
// code (node:crypto), not the service's.
import { createHmac } from 'node:crypto';

export interface ReceivedWebhook {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  json: { type: string; timestamp: string; data: any };
  receivedAt: number;
  path: string;
}

export interface Receiver {
  url: string;
  port: number;
  received: ReceivedWebhook[];
  /** how the next requests are answered; gets the request and how many came before it */
  respond: (request: ReceivedWebhook, index: number) => Response | Promise<Response>;
  stop(): Promise<void>;
}

export function startReceiver(path = '/hook', port = 0): Receiver {
  const receiver: Receiver = {
    url: '',
    port: 0,
    received: [],
    respond: () => new Response('ok'),
    async stop() {
      await server.stop(true);
    },
  };
  const server = Bun.serve({
    port,
    hostname: '127.0.0.1',
    async fetch(request) {
      const body = await request.text();
      const entry: ReceivedWebhook = {
        id: request.headers.get('webhook-id') ?? '',
        timestamp: request.headers.get('webhook-timestamp') ?? '',
        signature: request.headers.get('webhook-signature') ?? '',
        body,
        json: body.startsWith('{') ? JSON.parse(body) : null,
        receivedAt: Date.now(),
        path: new URL(request.url).pathname,
      };
      const index = receiver.received.length;
      receiver.received.push(entry);
      return receiver.respond(entry, index);
    },
  });
  receiver.port = server.port!;
  receiver.url = `http://127.0.0.1:${server.port}${path}`;
  return receiver;
}

/** The v1 signatures of a webhook-signature header that match this secret (the test's own HMAC). */
export function matchingSignatures(secret: string, webhook: Pick<ReceivedWebhook, 'id' | 'timestamp' | 'body' | 'signature'>): number {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${webhook.id}.${webhook.timestamp}.${webhook.body}`).digest('base64');
  return webhook.signature.split(' ').filter((part) => part === `v1,${expected}`).length;
}
