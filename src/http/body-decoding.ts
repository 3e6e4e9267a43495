// Request bodies sent with Content-Encoding gzip or zstd (CONTRACT §4.1: mobile SDKs compress),
// decoded while they arrive. The byte cap applies to the decoded bytes and is decided while
// decoding: the decompressor runs only as fast as the decoded stream is read (node:zlib honours
// backpressure), so a small body that inflates past the cap costs about one chunk beyond the cap,
// never the whole inflation (a 1 MB gzip of 1 GiB of zeros: +6 MB RSS before its 413).
// A body whose length was declared (Content-Length, itself under the cap) is read whole and
// decoded in one synchronous call bounded by maxOutputLength instead (decodedBytes): node:zlib's
// streams cost ~0.9 ms per 399-sample upload in Bun, the one call 0.14 ms, and a bomb stops at
// the cap there too (2.6 ms, +5.5 MB). Chunked bodies, and imports, stream.
// Every route that takes a body reads it through here (plugins/json-body.ts), and so do imports.
// A zstd body cut short decodes without an error (zstd-frames.ts): its frames are walked too, and
// one that does not end where a frame ends is MALFORMED_BODY_ENCODING, as a cut gzip body is.
import { once } from 'node:events';
import zlib from 'node:zlib';
import { ProblemError } from '../domain/problems.ts';
import { ZstdFrameBoundaries, zstdFramesComplete } from './zstd-frames.ts';

export type ContentCoding = 'gzip' | 'zstd';

/** The content codings a request body may have (identity aside). */
export const SUPPORTED_CONTENT_CODINGS: readonly ContentCoding[] = ['gzip', 'zstd'];

export function payloadTooLarge(cap: number): ProblemError {
  return new ProblemError('PAYLOAD_TOO_LARGE', `request body exceeds ${cap} bytes`, { maxBytes: cap });
}

/**
 * The coding of a request body from its Content-Encoding header: null for none (or identity),
 * 415 UNSUPPORTED_MEDIA_TYPE for any other coding or a chain of several.
 */
export function requestContentCoding(header: string | null): ContentCoding | null {
  if (header === null) return null;
  const coding = header.trim().toLowerCase();
  if (coding === '' || coding === 'identity') return null;
  if (coding === 'gzip' || coding === 'x-gzip') return 'gzip';
  if (coding === 'zstd') return 'zstd';
  throw new ProblemError(
    'UNSUPPORTED_MEDIA_TYPE',
    `Content-Encoding "${header.slice(0, 64)}" is not supported; send gzip, zstd or an uncompressed body`,
    { supportedEncodings: SUPPORTED_CONTENT_CODINGS },
    { 'accept-encoding': SUPPORTED_CONTENT_CODINGS.join(', ') },
  );
}

function decompressor(coding: ContentCoding): zlib.Gunzip | zlib.ZstdDecompress {
  return coding === 'gzip' ? zlib.createGunzip() : zlib.createZstdDecompress();
}

/**
 * The decoded bytes of `body`, as a stream that errors with 413 PAYLOAD_TOO_LARGE once more than
 * `maxDecodedBytes` came out, and with 400 MALFORMED_BODY_ENCODING when the bytes are not valid
 * `coding` (corrupt or cut short). An error of `body` itself (the client went away) is passed on
 * as it is. Cancelling the result cancels `body`.
 */
export function decodedBody(body: ReadableStream<Uint8Array>, coding: ContentCoding, maxDecodedBytes: number): ReadableStream<Uint8Array> {
  const inflater = decompressor(coding);
  const frames = coding === 'zstd' ? new ZstdFrameBoundaries() : null;
  const source = body.getReader();
  let sourceError: unknown;
  let decoded = 0;

  const stop = () => {
    inflater.destroy();
    source.cancel().catch(() => {});
  };

  // feeds the encoded bytes in as fast as the decoded ones are read
  void (async () => {
    try {
      for (;;) {
        const { done, value } = await source.read();
        if (inflater.destroyed) return;
        if (done) {
          if (frames && !frames.complete()) inflater.destroy(new Error('the zstd frame is cut short'));
          else inflater.end();
          return;
        }
        frames?.push(value);
        if (!inflater.write(value)) await Promise.race([once(inflater, 'drain'), once(inflater, 'close')]);
      }
    } catch (error) {
      sourceError = error;
      inflater.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  })();

  const output = inflater[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        let next: IteratorResult<Buffer>;
        try {
          next = await output.next();
        } catch (error) {
          stop();
          controller.error(sourceError ?? malformed(coding));
          return;
        }
        if (next.done) {
          controller.close();
          return;
        }
        decoded += next.value.byteLength;
        if (decoded > maxDecodedBytes) {
          stop();
          controller.error(payloadTooLarge(maxDecodedBytes));
          return;
        }
        controller.enqueue(new Uint8Array(next.value.buffer, next.value.byteOffset, next.value.byteLength));
      },
      cancel() {
        stop();
      },
    },
    { highWaterMark: 0 },
  );
}

function malformed(coding: ContentCoding): ProblemError {
  return new ProblemError('MALFORMED_BODY_ENCODING', `the body is not valid ${coding} (corrupt or cut short)`, { encoding: coding });
}

/**
 * The decoded bytes of a whole encoded body, decoded at once and never past `maxDecodedBytes`
 * (413 PAYLOAD_TOO_LARGE); 400 MALFORMED_BODY_ENCODING when the bytes are not valid `coding`.
 */
export function decodedBytes(encoded: Uint8Array, coding: ContentCoding, maxDecodedBytes: number): Buffer {
  if (coding === 'zstd' && !zstdFramesComplete(encoded)) throw malformed(coding);
  try {
    const options = { maxOutputLength: maxDecodedBytes };
    return coding === 'gzip' ? zlib.gunzipSync(encoded, options) : zlib.zstdDecompressSync(encoded, options);
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE' || error instanceof RangeError) throw payloadTooLarge(maxDecodedBytes);
    throw malformed(coding);
  }
}
