// Reads a JSON body under a byte cap without ever buffering more than the cap: a declared
// Content-Length over the cap is refused before reading; a chunked body is counted as it streams.
import { ProblemError } from '../../domain/problems.ts';

function tooLarge(cap: number): ProblemError {
  return new ProblemError('PAYLOAD_TOO_LARGE', `request body exceeds ${cap} bytes`, { maxBytes: cap });
}

export async function readBodyText(request: Request, cap: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null) {
    const length = Number(declared);
    if (!Number.isFinite(length) || length > cap) throw tooLarge(cap);
    return request.text();
  }
  if (request.body === null) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > cap) {
      await reader.cancel().catch(() => {});
      throw tooLarge(cap);
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks, total).toString('utf8');
}

export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ProblemError('MALFORMED_JSON', text.length === 0 ? 'the request body is empty' : 'the request body is not valid JSON');
  }
}

export async function readJsonBody(request: Request, cap: number): Promise<unknown> {
  return parseJsonBody(await readBodyText(request, cap));
}
