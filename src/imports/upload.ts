// Receiving an import (CONTRACT §9 POST /imports/{format}): the raw body, decoded
// (Content-Encoding), judged by its first bytes (415), counted against MAX_IMPORT_BYTES while it
// streams (413), hashed, and stored in import_chunks one IMPORT_CHUNK_BYTES row at a time —
// never whole in memory, never in Redis — then queued. The HTTP route and the CLI both call it.
//
// Idempotency-Key: a key is taken only by a complete upload (finish_upload). A key already held:
// the body is read and hashed without storing it, and the answer is that import (same bytes) or
// 422 (other bytes). Two uploads racing with one key: the loser's stored copy is discarded.
import type { Sql } from '../db/client.ts';
import { sqlState } from '../db/errors.ts';
import type { ImportParams } from '../domain/imports/import-schema.ts';
import { ProblemError } from '../domain/problems.ts';
import { offsetInZone } from '../domain/time/time-zones.ts';
import { UUID_PATTERN } from '../domain/types.ts';
import { IMPORT_BODY_IDLE_MS, IMPORT_CHUNK_BYTES } from '../limits.ts';
import { getPrivacySettings } from '../privacy/privacy-settings.ts';
import { erasureFenced } from '../ingest/erasure-fence.ts';
import { dataErased } from '../ingest/submit.ts';
import { DETECT_BYTES } from './format.ts';
import { appendChunk, discardUpload, findImportByKey, finishUpload, insertImport, type ImportRow } from './queries.ts';
import type { ImportRegistry } from './registry.ts';

const UUID = new RegExp(UUID_PATTERN);
const ENCODINGS = new Set(['gzip', 'x-gzip', 'deflate', 'zstd', 'br']);

export interface IncomingImport {
  userId: string;
  formatName: string;
  body: ReadableStream<Uint8Array> | null;
  /** Content-Length as sent (null: chunked) */
  declaredLength: number | null;
  contentEncoding: string | null;
  idempotencyKey: string | null;
  timeZone: string | null;
}

export interface UploadDeps {
  db: Sql;
  registry: ImportRegistry;
  maxImportBytes: number;
  newId: () => string;
  /** queues the processing job of a stored import (the queue, or the CLI's own loop) */
  enqueue: (row: ImportRow) => Promise<void>;
  idleTimeoutMs?: number;
}

/** created: a new import (202); else the earlier import of the same key and bytes (200). */
export type Received = { created: boolean; row: ImportRow };

export async function receiveImport(deps: UploadDeps, incoming: IncomingImport): Promise<Received> {
  const format = deps.registry.find(incoming.formatName);
  if (!format) throw new ProblemError('NOT_FOUND', `no import format is named "${incoming.formatName}" (GET /api/v1/health/imports/formats)`);
  const params = checkParams(incoming);
  const encoding = incoming.contentEncoding?.trim().toLowerCase() || 'identity';
  if (encoding !== 'identity' && !ENCODINGS.has(encoding)) {
    throw new ProblemError('UNSUPPORTED_MEDIA_TYPE', `Content-Encoding ${encoding} is not accepted (gzip, deflate, zstd, br)`);
  }
  if (encoding === 'identity' && incoming.declaredLength !== null && incoming.declaredLength > deps.maxImportBytes) {
    throw tooLarge(deps.maxImportBytes);
  }
  const privacy = await getPrivacySettings(deps.db, incoming.userId);
  if (!privacy.syncEnabled) throw new ProblemError('HEALTH_SYNC_DISABLED', "health sync is disabled in this user's privacy settings");
  // while an erasure of the user runs nothing of theirs is stored (CONTRACT §10); its slices
  // would be fenced off in the write core anyway
  if (await erasureFenced(deps.db, incoming.userId, new Date())) throw dataErased();

  const body = new BodyReader(decoded(incoming.body, encoding), deps.maxImportBytes, deps.idleTimeoutMs ?? IMPORT_BODY_IDLE_MS);
  try {
    const head = await body.readHead(DETECT_BYTES);
    if (!format.detect(head)) {
      throw new ProblemError('UNSUPPORTED_MEDIA_TYPE', `the body is not a ${format.name} file (judged from its first bytes): ${format.description}`);
    }
    const earlier = incoming.idempotencyKey ? await findImportByKey(deps.db, incoming.userId, incoming.idempotencyKey) : null;
    if (earlier) {
      await body.drain();
      return { created: false, row: sameBytesOrRefuse(earlier, body.sha256()) };
    }
    return await store(deps, incoming, format.name, params, body);
  } finally {
    await body.cancel();
  }
}

async function store(deps: UploadDeps, incoming: IncomingImport, formatName: string, params: ImportParams, body: BodyReader): Promise<Received> {
  const id = deps.newId();
  await insertImport(deps.db, { id, userId: incoming.userId, format: formatName, params });
  let finished: ImportRow | null = null;
  try {
    let seq = 0;
    for (;;) {
      const chunk = await body.readChunk(IMPORT_CHUNK_BYTES);
      if (chunk === undefined) break;
      try {
        await appendChunk(deps.db, id, seq++, chunk);
      } catch (error) {
        // 23503: the import row is gone — an erasure of the user started while the file arrived
        if (sqlState(error) === '23503') throw dataErased();
        throw error;
      }
    }
    const sha256 = body.sha256();
    try {
      finished = await finishUpload(deps.db, { id, bytesTotal: body.total, bodySha256: sha256, idempotencyKey: incoming.idempotencyKey });
    } catch (error) {
      if (sqlState(error) !== '23505' || !incoming.idempotencyKey) throw error;
      // another upload with this key finished first
      const winner = await findImportByKey(deps.db, incoming.userId, incoming.idempotencyKey);
      if (!winner) throw error;
      return { created: false, row: sameBytesOrRefuse(winner, sha256) };
    }
    if (!finished) throw new ProblemError('NOT_FOUND', 'the import was removed while it was being uploaded');
  } finally {
    if (!finished) await discardUpload(deps.db, id).catch(() => {});
  }
  await deps.enqueue(finished);
  return { created: true, row: finished };
}

function sameBytesOrRefuse(earlier: ImportRow, sha256: string): ImportRow {
  if (earlier.bodySha256 === sha256) return earlier;
  throw new ProblemError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was already used for an import of other bytes');
}

function checkParams(incoming: IncomingImport): ImportParams {
  const errors: { path: string; message: string }[] = [];
  if (incoming.idempotencyKey !== null && !UUID.test(incoming.idempotencyKey)) {
    errors.push({ path: '/headers/idempotency-key', message: 'Idempotency-Key must be a UUID' });
  }
  if (incoming.timeZone !== null && offsetInZone(incoming.timeZone, 0) === undefined) {
    errors.push({ path: '/query/timeZone', message: 'timeZone must be an IANA time zone name (e.g. Europe/Berlin)' });
  }
  if (errors.length > 0) throw new ProblemError('VALIDATION_FAILED', 'the import request does not match the contract', { errors });
  return incoming.timeZone === null ? {} : { timeZone: incoming.timeZone };
}

function tooLarge(cap: number): ProblemError {
  return new ProblemError('PAYLOAD_TOO_LARGE', `the import file exceeds MAX_IMPORT_BYTES (${cap} bytes)`, { maxBytes: cap });
}

function decoded(body: ReadableStream<Uint8Array> | null, encoding: string): ReadableStream<Uint8Array> | null {
  if (body === null || encoding === 'identity') return body;
  const format = encoding === 'x-gzip' ? 'gzip' : encoding === 'br' ? 'brotli' : encoding;
  return body.pipeThrough(new DecompressionStream(format as 'gzip') as unknown as ReadableWritablePair<Uint8Array, Uint8Array>);
}

/**
 * The decoded body, pulled piece by piece: counted against the cap, hashed, each read bounded
 * by the idle timeout. Holds at most one piece beyond what a caller asked for.
 */
class BodyReader {
  total = 0;
  private readonly reader: { read(): Promise<{ done: boolean; value?: Uint8Array }>; cancel(): Promise<void> } | null;
  private readonly hasher = new Bun.CryptoHasher('sha256');
  private pending: Uint8Array | undefined;
  private ended = false;

  constructor(
    stream: ReadableStream<Uint8Array> | null,
    private readonly cap: number,
    private readonly idleMs: number,
  ) {
    this.reader = stream?.getReader() ?? null;
  }

  /** Up to `length` first bytes (fewer when the body is shorter), kept for the first chunk. */
  async readHead(length: number): Promise<Uint8Array> {
    const head = await this.readChunk(length);
    if (head === undefined) return new Uint8Array(0);
    // what readChunk kept beyond the head stays behind it
    this.pending = this.pending === undefined ? head : Buffer.concat([head, this.pending]);
    return head;
  }

  /** The next `size` bytes (fewer at the end); undefined at the end. */
  async readChunk(size: number): Promise<Uint8Array | undefined> {
    const buffer = new Uint8Array(size);
    let filled = 0;
    if (this.pending) {
      const pending = this.pending;
      this.pending = undefined;
      if (pending.length >= size) {
        this.pending = pending.length > size ? pending.subarray(size) : undefined;
        return pending.subarray(0, size);
      }
      buffer.set(pending, 0);
      filled = pending.length;
    }
    while (filled < size) {
      const piece = await this.next();
      if (piece === undefined) break;
      const room = size - filled;
      buffer.set(piece.subarray(0, room), filled);
      filled += Math.min(room, piece.length);
      if (piece.length > room) this.pending = piece.subarray(room);
    }
    return filled === 0 ? undefined : buffer.subarray(0, filled);
  }

  /** Reads (and hashes) the rest without keeping it. */
  async drain(): Promise<void> {
    this.pending = undefined;
    while ((await this.next()) !== undefined);
  }

  sha256(): string {
    return this.hasher.digest('hex');
  }

  async cancel(): Promise<void> {
    if (!this.ended) await this.reader?.cancel().catch(() => {});
  }

  /** One piece from the stream, counted and hashed as it arrives. */
  private async next(): Promise<Uint8Array | undefined> {
    if (this.ended || this.reader === null) return undefined;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const idle = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new ProblemError('REQUEST_TIMEOUT', `no byte of the body arrived for ${this.idleMs / 1000} s`, {}, { connection: 'close' })),
        this.idleMs,
      );
    });
    let result: { done: boolean; value?: Uint8Array };
    try {
      result = await Promise.race([this.reader.read(), idle]);
    } catch (error) {
      if (error instanceof ProblemError) throw error;
      // the client went away, or the encoding is broken
      throw new ProblemError('REQUEST_BODY_INCOMPLETE', 'the request body was cut off (or its Content-Encoding is broken) before it was complete');
    } finally {
      clearTimeout(timer);
    }
    if (result.done) {
      this.ended = true;
      return undefined;
    }
    const piece = result.value!;
    this.total += piece.length;
    if (this.total > this.cap) throw tooLarge(this.cap);
    this.hasher.update(piece);
    return piece;
  }
}
