import { describe, expect, test } from 'bun:test';
import { collect, gzip } from '../../../src/client/compression.ts';
import { ndjsonLines } from '../../../src/client/user-data.ts';

describe('gzip request bodies', () => {
  test('decompress to the text, and are much smaller for a batch of samples', async () => {
    const text = JSON.stringify(Array.from({ length: 399 }, (_, i) => ({ sourceId: 'com.apple.health.watch', sourceRecordId: `hr-${i}`, metricCode: 'heart_rate', value: 60 + (i % 40), unit: 'count/min', startAt: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString() })));
    const compressed = await gzip(text);
    expect(compressed).toBeInstanceOf(Uint8Array);
    expect(compressed!.byteLength).toBeLessThan(text.length / 5);
    const source = new ReadableStream<ArrayBufferView | ArrayBuffer>({ start: (c) => (c.enqueue(compressed!), c.close()) });
    expect(new TextDecoder().decode(await collect(source.pipeThrough(new DecompressionStream('gzip'))))).toBe(text);
  });
});

describe('NDJSON lines of a streamed answer', () => {
  test('are split across chunk boundaries, multi-byte characters included, empty lines skipped', async () => {
    const bytes = new TextEncoder().encode('{"a":"é"}\n\n{"b":"😀"}\r\n{"c":3}');
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7, 14), bytes.subarray(14, 15), bytes.subarray(15)];
    const body = new ReadableStream<Uint8Array>({ start: (c) => (chunks.forEach((chunk) => c.enqueue(chunk)), c.close()) });
    const lines: string[] = [];
    for await (const line of ndjsonLines(new Response(body))) lines.push(line);
    expect(lines.map((line) => JSON.parse(line))).toEqual([{ a: 'é' }, { b: '😀' }, { c: 3 }]);
  });

  test('a consumer that stops early cancels the stream', async () => {
    let cancelled = false;
    const body = new ReadableStream<Uint8Array>({
      pull: (c) => c.enqueue(new TextEncoder().encode('{"x":1}\n')),
      cancel: () => {
        cancelled = true;
      },
    });
    for await (const line of ndjsonLines(new Response(body))) {
      expect(line).toBe('{"x":1}');
      break;
    }
    expect(cancelled).toBe(true);
  });
});
