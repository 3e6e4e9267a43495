// Job payload codec: msgpack (records off: msgpackr's record extension and its native addon have
// decoded differently from pure JS, msgpackr #193), then zstd level 1 (built into Bun; ~10× smaller
// than msgpack alone for sample batches), then base64 — BullMQ stores job data with
// JSON.stringify, which would turn a Buffer into an array of numbers 2.6× larger.
import { Packr } from 'msgpackr';
import type { PreparedBatch } from '../ingest/finish-batch.ts';

const packr = new Packr({ useRecords: false, moreTypes: false });

/** Wire form: Dates become epoch milliseconds so the codec never depends on extensions. */
interface EncodedBatch extends Omit<PreparedBatch, 'receivedAt'> {
  v: 1;
  receivedAtMs: number;
}

export function encodeBatch(batch: PreparedBatch): string {
  const wire: EncodedBatch = { ...batch, v: 1, receivedAtMs: batch.receivedAt.getTime() };
  delete (wire as Partial<PreparedBatch>).receivedAt;
  const packed = packr.pack(wire);
  return Buffer.from(Bun.zstdCompressSync(packed, { level: 1 })).toString('base64');
}

export function decodeBatch(data: string): PreparedBatch {
  const packed = Bun.zstdDecompressSync(Buffer.from(data, 'base64'));
  const wire = packr.unpack(packed) as EncodedBatch;
  if (wire?.v !== 1) throw new Error('unknown job payload version');
  const { v: _version, receivedAtMs, ...rest } = wire;
  return { ...rest, receivedAt: new Date(receivedAtMs) };
}
