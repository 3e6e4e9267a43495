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

    test('corrupt and cut-short bodies are MALFORMED_BODY_ENCODING, streamed or whole', async () => {
      const encoded = compress(coding, new TextEncoder().encode('{"samples":[]}'.repeat(100)));
      const corrupt = Uint8Array.from(encoded);
      corrupt.fill(0x55, 4, 40);
      // zstd: libzstd takes a frame cut short as the end of the input, without an error; cut
      // inside the checksum, inside the last block, in the frame header, after the magic alone
      const cutShort = [1, 9, encoded.length - 8, encoded.length - 4].map((keep) => encoded.subarray(0, keep));
      const large = compress(coding, new TextEncoder().encode(JSON.stringify(Array.from({ length: 50_000 }, (_, i) => ({ i, r: (i * 7919) % 1013 })))));
      const cutInLaterBlock = large.subarray(0, large.length - 1000);
      for (const bytes of [corrupt, ...cutShort, cutInLaterBlock, new Uint8Array(0), new TextEncoder().encode('{"not": "compressed"}')]) {
        for (const chunk of [7, 16 * 1024]) {
          const problem = await failureOf(readAll(decodedBody(chunkedSource(bytes, chunk).stream, coding, 1 << 20)));
          expect(problem.code).toBe('MALFORMED_BODY_ENCODING');
          expect(problem.status).toBe(400);
        }
        expect(() => decodedBytes(bytes, coding, 1 << 20)).toThrow(ProblemError);
      }
    });

    test('whole frames end to end decode: two frames in a row, a skippable frame, a frame with a checksum and without', async () => {
      const a = new TextEncoder().encode('{"a":');
      const b = new TextEncoder().encode('1}');
      const bodies: Uint8Array[] = [Buffer.concat([compress(coding, a), compress(coding, b)])];
      if (coding === 'zstd') {
        const skippable = Buffer.from([0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9]);
        const noChecksum = zlib.zstdCompressSync(b, { params: { [zlib.constants.ZSTD_c_checksumFlag]: 0 } });
        bodies.push(Buffer.concat([compress(coding, a), skippable, noChecksum]));
      }
      for (const body of bodies) {
        expect(new TextDecoder().decode(await readAll(decodedBody(chunkedSource(body, 3).stream, coding, 1 << 20)))).toBe('{"a":1}');
        expect(decodedBytes(body, coding, 1 << 20).toString('utf8')).toBe('{"a":1}');
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
