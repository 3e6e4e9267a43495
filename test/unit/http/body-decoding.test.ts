// The decoder of compressed request bodies: decodes gzip and zstd as the bytes arrive, stops a
// bomb at the cap after reading only a sliver of it, and names corrupt input.
import { describe, expect, test } from 'bun:test';
import zlib from 'node:zlib';
import { decodedBody, decodedBytes, requestContentCoding, type ContentCoding } from '../../../src/http/body-decoding.ts';
import { ProblemError } from '../../../src/domain/problems.ts';

const compress = (coding: ContentCoding, bytes: Uint8Array) => (coding === 'gzip' ? zlib.gzipSync(bytes) : zlib.zstdCompressSync(bytes));

/** `bytes` in chunks of `size`, counting how many bytes the consumer pulled. */
function chunkedSource(bytes: Uint8Array, size = 16 * 1024) {
  const counter = { pulled: 0 };
  let offset = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (offset >= bytes.length) return controller.close();
        const chunk = bytes.subarray(offset, offset + size);
        offset += chunk.length;
        counter.pulled += chunk.length;
        controller.enqueue(chunk);
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, counter };
}

async function readAll(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function failureOf(promise: Promise<unknown>): Promise<ProblemError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProblemError) return error;
    throw error;
  }
  throw new Error('expected a problem');
}

describe('Content-Encoding', () => {
  test('none, identity, gzip and zstd are understood; any other coding or a chain is 415', () => {
    expect(requestContentCoding(null)).toBeNull();
    expect(requestContentCoding('identity')).toBeNull();
    expect(requestContentCoding('GZIP')).toBe('gzip');
    expect(requestContentCoding(' zstd ')).toBe('zstd');
    for (const other of ['br', 'deflate', 'compress', 'gzip, gzip', 'gzip, br']) {
      expect(() => requestContentCoding(other)).toThrow(ProblemError);
      try {
        requestContentCoding(other);
      } catch (error) {
        expect((error as ProblemError).code).toBe('UNSUPPORTED_MEDIA_TYPE');
        expect((error as ProblemError).status).toBe(415);
      }
    }
  });
});

for (const coding of ['gzip', 'zstd'] as const) {
  describe(coding, () => {
    test('decodes a body that arrives in small chunks', async () => {
      const text = JSON.stringify({ samples: Array.from({ length: 2000 }, (_, i) => ({ i, unit: 'count/min' })) });
      const { stream } = chunkedSource(compress(coding, new TextEncoder().encode(text)), 7);
      expect(new TextDecoder().decode(await readAll(decodedBody(stream, coding, 1 << 20)))).toBe(text);
    });

    test('a bomb (1 GiB of zeros) is 413 at the cap, having read a sliver of its encoded bytes', async () => {
      const bomb = compress(coding, new Uint8Array(1 << 30));
      const { stream, counter } = chunkedSource(bomb);
      const problem = await failureOf(readAll(decodedBody(stream, coding, 5 * 1024 * 1024)));
      expect(problem.code).toBe('PAYLOAD_TOO_LARGE');
      // 5 MiB of 1 GiB decoded: about 1/200 of the encoded bytes, with a chunk or two of slack
      expect(counter.pulled).toBeLessThan(bomb.length / 20 + 64 * 1024);
    });

    test('whole (a declared length): decodes, stops a bomb at the cap, names corrupt bytes', () => {
      const text = JSON.stringify({ samples: Array.from({ length: 500 }, (_, i) => ({ i })) });
      expect(decodedBytes(compress(coding, new TextEncoder().encode(text)), coding, 1 << 20).toString('utf8')).toBe(text);
      const problemOf = (run: () => unknown) => {
        try {
          run();
        } catch (error) {
          return error as ProblemError;
        }
        throw new Error('expected a problem');
      };
      // a 1 GiB bomb against a 5 MiB cap: refused at the cap (no timing asserted: tests are not benchmarks)
      expect(problemOf(() => decodedBytes(compress(coding, new Uint8Array(1 << 30)), coding, 5 << 20)).code).toBe('PAYLOAD_TOO_LARGE');
      expect(decodedBytes(compress(coding, new Uint8Array(4096)), coding, 4096).length).toBe(4096);
      expect(problemOf(() => decodedBytes(compress(coding, new Uint8Array(4097)), coding, 4096)).code).toBe('PAYLOAD_TOO_LARGE');
      expect(problemOf(() => decodedBytes(new TextEncoder().encode('{"plain": true}'), coding, 4096)).code).toBe('MALFORMED_BODY_ENCODING');
    });

    test('a body exactly at the cap decodes; one byte more is 413', async () => {
      const cap = 100_000;
      const atCap = await readAll(decodedBody(chunkedSource(compress(coding, new Uint8Array(cap).fill(97))).stream, coding, cap));
      expect(atCap.length).toBe(cap);
      const over = await failureOf(readAll(decodedBody(chunkedSource(compress(coding, new Uint8Array(cap + 1))).stream, coding, cap)));
      expect(over.code).toBe('PAYLOAD_TOO_LARGE');
    });

    test('corrupt bodies are MALFORMED_BODY_ENCODING (gzip: cut-short ones too)', async () => {
      const encoded = compress(coding, new TextEncoder().encode('{"samples":[]}'.repeat(100)));
      const corrupt = Uint8Array.from(encoded);
      corrupt.fill(0x55, 4, 40);
      // a zstd frame cut short decodes to a prefix without an error (libzstd's streaming end);
      // the prefix of a JSON body is not JSON, so the upload is MALFORMED_JSON (the e2e test)
      const cutShort = coding === 'gzip' ? [encoded.subarray(0, encoded.length - 9)] : [];
      for (const bytes of [corrupt, ...cutShort, new TextEncoder().encode('{"not": "compressed"}')]) {
        const problem = await failureOf(readAll(decodedBody(chunkedSource(bytes).stream, coding, 1 << 20)));
        expect(problem.code).toBe('MALFORMED_BODY_ENCODING');
        expect(problem.status).toBe(400);
      }
    });
  });
}

test('a client that goes away mid-body is passed on as its own error, not as a corrupt encoding', async () => {
  const encoded = zlib.gzipSync(new Uint8Array(100_000).fill(1));
  const gone = new Error('connection reset');
  let sent = false;
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent) return controller.error(gone);
      sent = true;
      controller.enqueue(encoded.subarray(0, 100));
    },
  });
  await expect(readAll(decodedBody(stream, 'gzip', 1 << 20))).rejects.toBe(gone);
});
