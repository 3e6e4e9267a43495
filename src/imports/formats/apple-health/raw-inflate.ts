// Inflating one raw deflate stream out of a ByteSource with node:zlib, and giving back the input
// bytes after its end: zlib counts the input it used (bytesWritten), which is how an entry with a
// data descriptor (no size up front) is delimited without scanning for signatures.

import zlib from 'node:zlib';
import type { ByteSource } from '../../byte-source.ts';
import { ZipReadError, type ExpansionBudget } from './zip-errors.ts';

/** Compressed bytes handed to zlib at once: bounds what one write can expand to (~1000× for zeros). */
const INFLATE_SLICE_BYTES = 16 * 1024;
const INFLATE_OUTPUT_BYTES = 64 * 1024;

/**
 * Inflates a raw deflate stream from the source, giving back the input bytes after its end.
 * `limit` bounds the compressed bytes read (the declared size, or Infinity with a descriptor).
 */
export async function* inflate(source: ByteSource, limit: number, budget: ExpansionBudget): AsyncGenerator<Uint8Array> {
  const inflater = zlib.createInflateRaw({ chunkSize: INFLATE_OUTPUT_BYTES });
  const ready: Uint8Array[] = [];
  let ended = false;
  let failure: Error | undefined;
  inflater.on('data', (piece: Uint8Array) => {
    if (failure) return;
    try {
      budget.add(piece.length);
      ready.push(piece);
    } catch (error) {
      failure = error as Error;
      inflater.destroy();
    }
  });
  inflater.on('end', () => {
    ended = true;
  });
  inflater.on('error', (error) => {
    failure ??= new ZipReadError('MALFORMED_FILE', `the zip's compressed data is corrupt (${error.message})`);
  });

  let written = 0;
  let lastPiece = 0;
  try {
    while (!ended && !failure) {
      const room = limit - written;
      const piece = room > 0 ? await source.takeUpTo(Math.min(INFLATE_SLICE_BYTES, room)) : undefined;
      if (piece === undefined) {
        // No more input for this entry: zlib must already hold the whole stream.
        await finish(inflater);
        const earlier = failure as Error | undefined;
        if (!ended && !(earlier instanceof ZipReadError && earlier.code === 'EXPANSION_LIMIT_EXCEEDED')) {
          failure =
            room > 0
              ? new ZipReadError('TRUNCATED_FILE', 'the zip ends inside compressed data')
              : new ZipReadError('MALFORMED_FILE', "an entry's compressed data is longer than its declared size");
        }
        break;
      }
      written += piece.length;
      lastPiece = piece.length;
      await writeTo(inflater, piece);
      // zlib leaves input unread only once its stream is complete; its 'end' is on the way.
      if (!ended && !failure && inflater.bytesWritten < written) await endOf(inflater);
      for (const out of ready) yield out;
      ready.length = 0;
    }
    if (failure) throw failure;
    for (const out of ready) yield out;
    const unused = written - inflater.bytesWritten;
    if (unused > 0) source.unconsume(Math.min(unused, lastPiece));
  } finally {
    if (!inflater.destroyed) inflater.destroy();
  }
}

function writeTo(stream: zlib.InflateRaw, piece: Uint8Array): Promise<void> {
  return new Promise((resolve) => {
    const settle = () => {
      stream.off('close', settle);
      resolve();
    };
    stream.once('close', settle);
    stream.write(piece, settle);
  });
}

/** Ends the input and waits for zlib's verdict: 'end' when the stream was complete, else an error. */
function finish(stream: zlib.InflateRaw): Promise<void> {
  const settled = endOf(stream);
  stream.end();
  return settled;
}

/** zlib stopped reading input: the stream is complete, its 'end' (or an error) is on its way. */
function endOf(stream: zlib.InflateRaw): Promise<void> {
  return new Promise((resolve) => {
    if (stream.readableEnded || stream.destroyed) return resolve();
    const settle = () => {
      stream.off('end', settle);
      stream.off('close', settle);
      resolve();
    };
    stream.once('end', settle);
    stream.once('close', settle);
  });
}
