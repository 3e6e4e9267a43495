// Reads a body under a byte cap without ever buffering more than the cap: a declared
// Content-Length over the cap is refused before reading; a chunked body is counted as it streams.
// A gzip or zstd body (Content-Encoding) is decoded while it streams, the cap applied to the
// decoded bytes (../body-decoding.ts). Reading is bounded in time too (a slow-drip client gets
// 408, not a held connection), and a client that goes away mid-body is an ordinary 4xx, not an
// unexpected error.
import { parseJsonBody } from '../../domain/json-body.ts';
import { ProblemError } from '../../domain/problems.ts';
import { bounded } from '../../bounded.ts';
import { BODY_READ_TIMEOUT_MS } from '../../limits.ts';
import { decodedBody, decodedBytes, payloadTooLarge, requestContentCoding } from '../body-decoding.ts';

export async function readBodyText(request: Request, cap: number, timeoutMs = BODY_READ_TIMEOUT_MS): Promise<string> {
  const coding = requestContentCoding(request.headers.get('content-encoding'));
  const declared = request.headers.get('content-length');
  // an encoded body longer than the cap would not decode under it either (compression aside,
  // the encodings only add framing)
  if (declared !== null) {
    const length = Number(declared);
    if (!Number.isFinite(length) || length > cap) throw payloadTooLarge(cap);
  }
  let read: Promise<string>;
  if (request.body === null) read = Promise.resolve('');
  else if (coding === null) read = declared !== null ? request.text() : readCapped(request.body, cap);
  // a declared length is under the cap: read whole, decoded at once (body-decoding.ts)
  else if (declared !== null) read = request.bytes().then((encoded) => decodedBytes(encoded, coding, cap).toString('utf8'));
  else read = readCapped(decodedBody(request.body, coding, cap), cap);
  try {
    return await bounded(
      read,
      timeoutMs,
      () => new ProblemError('REQUEST_TIMEOUT', `the body did not arrive within ${timeoutMs / 1000} s`, {}, { connection: 'close' }),
    );
  } catch (error) {
    if (error instanceof ProblemError) throw error;
    // the client closed the connection before its body was complete
    throw new ProblemError('MALFORMED_JSON', 'the request body was cut off before it was complete');
  }
}

async function readCapped(body: ReadableStream<Uint8Array>, cap: number): Promise<string> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => {});
      throw payloadTooLarge(cap);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

export async function readJsonBody(request: Request, cap: number): Promise<unknown> {
  return parseJsonBody(await readBodyText(request, cap));
}
