import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { canonicalPayloadText, compareByCodePoints, elementText, payloadHash, utf8ByteLength } from '../../../src/client/payload-hash.ts';
import { computePayloadHash } from '../../../src/domain/ingest/payload-hash.ts';
import { hashVectors } from '../../support/hash-vectors.ts';

const vectors = hashVectors();
const byName = new Map(vectors.map((vector) => [vector.name, vector]));
const hashOf = (name: string) => byName.get(name)!.payloadHash;

describe('the SDK payload hash (WebCrypto) on the published vectors', () => {
  test.each(vectors.map((vector) => [vector.name, vector] as const))('%s', async (_name, vector) => {
    const texts = (items: unknown[] | undefined) => (items ?? []).map(elementText);
    expect(canonicalPayloadText(texts(vector.samples), texts(vector.deleted))).toBe(vector.canonical);
    expect(await payloadHash(vector.samples, vector.deleted)).toBe(vector.payloadHash);
  });

  test('the vectors say what they claim: equal where order or spelling differs, different where content does', () => {
    expect(new Set(['one-sample', 'deleted-empty', 'key-order'].map(hashOf)).size).toBe(1);
    expect(hashOf('element-order-a')).toBe(hashOf('element-order-b'));
    expect(hashOf('unicode-raw')).toBe(hashOf('unicode-escaped'));
    expect(hashOf('duplicate-elements')).not.toBe(hashOf('one-sample'));
    expect(hashOf('unknown-fields')).not.toBe(hashOf('one-sample'));
    expect(hashOf('moved-to-samples')).not.toBe(hashOf('deletes-only'));
    expect(new Set(vectors.map((vector) => vector.payloadHash)).size).toBe(vectors.length - 4);
  });
});

describe('the SDK payload hash agrees with the service', () => {
  const json = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });
  const element = fc.oneof({ weight: 9, arbitrary: fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), json, { maxKeys: 6 }) }, { weight: 1, arbitrary: json });
  const elements = fc.array(element, { maxLength: 10 });

  test('on any JSON (fast-check, the whole Unicode range)', async () => {
    await fc.assert(
      fc.asyncProperty(elements, elements, async (samples, deleted) => {
        // what the service parses is what JSON.stringify sent
        const sent = JSON.parse(JSON.stringify({ samples, deleted })) as { samples: unknown[]; deleted: unknown[] };
        expect(await payloadHash(samples, deleted)).toBe(computePayloadHash(sent.samples, sent.deleted));
      }),
      { numRuns: 300 },
    );
  });

  test('on what JSON.stringify makes of JavaScript values: undefined members, Dates, NaN, toJSON', async () => {
    const samples = [
      { sourceRecordId: 'a', endAt: undefined, startAt: new Date(Date.UTC(2026, 10, 20, 7, 15)), value: Number.NaN },
      { sourceRecordId: 'b', metadata: { toJSON: () => ({ z: 1, a: 2 }) }, list: [undefined, () => 1] },
    ];
    const sent = JSON.parse(JSON.stringify(samples)) as unknown[];
    expect(sent[0]).toEqual({ sourceRecordId: 'a', startAt: '2026-11-20T07:15:00.000Z', value: null });
    expect(await payloadHash(samples)).toBe(computePayloadHash(sent, []));
  });
});

describe('UTF-8 helpers', () => {
  test('utf8ByteLength counts like TextEncoder for any well-formed text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        expect(utf8ByteLength(text)).toBe(new TextEncoder().encode(text).byteLength);
      }),
      { numRuns: 500 },
    );
    expect(utf8ByteLength('aé€😀')).toBe(1 + 2 + 3 + 4);
  });

  test('compareByCodePoints orders like the UTF-8 bytes', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 6 }), fc.string({ unit: 'grapheme', maxLength: 6 }), (a, b) => {
        const bytes = (text: string) => Array.from(new TextEncoder().encode(text));
        const [x, y] = [bytes(a), bytes(b)];
        let expected = 0;
        for (let i = 0; i < Math.min(x.length, y.length) && expected === 0; i += 1) expected = Math.sign(x[i]! - y[i]!);
        if (expected === 0) expected = Math.sign(x.length - y.length);
        expect(Math.sign(compareByCodePoints(a, b))).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });
});
