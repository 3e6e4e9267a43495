// importFile(): a whole exported file (CONTRACT §9) sent as the raw request body, then the
// import polled until it has finished (completed, failed or cancelled: a failed import is a
// result, not an exception; it keeps what was read before the error).
//
// A file that can be sent twice (Blob, Uint8Array, ArrayBuffer) carries an Idempotency-Key (the
// caller's, else a random one kept across the tries), so a retry after a lost answer finds the
// import it created instead of starting a second one. A ReadableStream is sent once, untried again.
import { errorFromAnswer, HealthIngestError } from './errors.ts';
import { formatUuid } from './request-id.ts';
import { resolveLocation, sleep, withQuery } from './transport.ts';
import type { PollSettings } from './user-data.ts';
import type { ImportState } from './wire-types.ts';

export type ImportFile = Blob | ReadableStream<Uint8Array> | Uint8Array | ArrayBuffer;

export interface ImportOptions {
  /** IANA zone giving each record the offset in force at its own time (§9) */
  timeZone?: string;
  /** each state polled while the import runs */
  onProgress?: (state: ImportState) => void;
  /** a UUID; the same key with the same bytes is the same import */
  idempotencyKey?: string;
  /** default: the Blob's type, else judged from the first bytes, else the format's usual type */
  contentType?: string;
  signal?: AbortSignal;
}

const FINAL = new Set(['completed', 'failed', 'cancelled']);
const USUAL_TYPES: Record<string, string> = { csv: 'text/csv', 'apple-health': 'application/zip' };

export async function sendImport(settings: PollSettings, format: string, file: ImportFile, options: ImportOptions): Promise<ImportState> {
  const sendable = !(typeof ReadableStream !== 'undefined' && file instanceof ReadableStream);
  const idempotencyKey = options.idempotencyKey ?? (sendable ? randomUuid() : undefined);
  const headers: Record<string, string> = { 'content-type': options.contentType ?? (await contentTypeOf(format, file)) };
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const answer = await settings.transport.send({
    method: 'POST',
    path: withQuery(`/api/v1/health/imports/${encodeURIComponent(format)}`, { timeZone: options.timeZone }),
    headers,
    body: file,
    retry: sendable && idempotencyKey !== undefined,
    signal: options.signal,
  });
  if (answer.status !== 202 && answer.status !== 200) throw errorFromAnswer(answer);
  let state = answer.body as ImportState;
  const location = resolveLocation(settings.baseUrl, answer.headers.get('location') ?? `/api/v1/health/imports/${state.importId}`);
  const deadline = settings.now() + settings.pollTimeoutMs;
  while (!FINAL.has(state.status)) {
    if (settings.now() > deadline) {
      throw new HealthIngestError({ status: 0, code: 'POLL_TIMEOUT', detail: `import ${state.importId} still ${state.status} after ${settings.pollTimeoutMs} ms` });
    }
    await sleep(settings.pollIntervalMs, options.signal);
    const polled = await settings.transport.send({ method: 'GET', path: location, signal: options.signal });
    if (polled.status !== 200) throw errorFromAnswer(polled);
    state = polled.body as ImportState;
    options.onProgress?.(state);
  }
  return state;
}

/** The Blob's own type, else what the first bytes say (a zip, or XML), else the format's usual type. */
async function contentTypeOf(format: string, file: ImportFile): Promise<string> {
  if (typeof Blob !== 'undefined' && file instanceof Blob && file.type !== '') return file.type;
  const head = await firstBytes(file);
  if (head && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04) return 'application/zip';
  if (head && firstCharacter(head) === '<') return 'application/xml';
  return USUAL_TYPES[format] ?? 'application/octet-stream';
}

async function firstBytes(file: ImportFile): Promise<Uint8Array | undefined> {
  if (file instanceof Uint8Array) return file.subarray(0, 16);
  if (file instanceof ArrayBuffer) return new Uint8Array(file, 0, Math.min(16, file.byteLength));
  if (typeof Blob !== 'undefined' && file instanceof Blob && typeof file.slice(0, 16).arrayBuffer === 'function') {
    return new Uint8Array(await file.slice(0, 16).arrayBuffer());
  }
  return undefined;
}

/** The first character after a UTF-8 byte order mark and whitespace. */
function firstCharacter(head: Uint8Array): string | undefined {
  let i = head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  while (i < head.length && (head[i] === 0x20 || head[i] === 0x09 || head[i] === 0x0a || head[i] === 0x0d)) i += 1;
  return i < head.length ? String.fromCharCode(head[i]!) : undefined;
}

function randomUuid(): string | undefined {
  const webCrypto = globalThis.crypto;
  if (typeof webCrypto?.randomUUID === 'function') return webCrypto.randomUUID();
  if (typeof webCrypto?.getRandomValues !== 'function') return undefined;
  const bytes = webCrypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6]! & 0x0f) | 0x40; // version 4 (random)
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return formatUuid(bytes);
}
