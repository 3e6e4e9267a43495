import { describe, expect, test } from 'bun:test';
import { compareByCodePoints, computePayloadHash } from '../../../../src/domain/ingest/payload-hash.ts';
import { hashVectors } from '../../../support/hash-vectors.ts';
import { seededRandom as random } from '../../../support/seeded-random.ts';

// ---- a deliberately plain reference implementation of CONTRACT §4.2

function naiveJcs(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(naiveJcs).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  const object = value as Record<string, unknown>;
  const members = Object.keys(object)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${naiveJcs(object[key])}`);
  return `{${members.join(',')}}`;
}

function naivePayloadHash(samples: readonly unknown[], deleted: readonly unknown[] | undefined): string {
  const sortedTexts = (items: readonly unknown[]) =>
    items.map(naiveJcs).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
  const text = `{"deleted":[${sortedTexts(deleted ?? []).join(',')}],"samples":[${sortedTexts(samples).join(',')}]}`;
  return new Bun.CryptoHasher('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
}

// ---- deterministic random JSON (mulberry32), biased towards the cases that matter


const CHARACTER_POOL = [
  'a', 'b', 'z', 'A', '0', '9', ' ', '"', '\\', '/', '\n', '\u0000', '\u001f', '\u007f',
  'é', '€', '\u07ff', '\u0800', '\ud7ff', '\ue000', '\uf8ff', '\ufb01', '\ufffd', '\uffff',
  '😀', '𝄞', '\u{10ffff}', '\u{10000}',
];
const KEY_POOL = ['a', 'b', 'aa', 'B', '1', '10', '9', '_', '!', 'é', '😀', '\ue000', '__proto__', 'startAt', 'value'];

function generator(seed: number) {
  const next = random(seed);
  const pick = <T,>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const string = (): string => Array.from({ length: Math.floor(next() * 5) }, () => pick(CHARACTER_POOL)).join('');
  const number = (): number =>
    pick([0, -0, 1, -1, 0.1, 1e21, 1e-7, 333333333.33333329, 2 ** 53, next() * 1e6, -next(), Math.floor(next() * 100)]);
  const value = (depth: number): unknown => {
    const roll = next();
    if (depth > 2 || roll < 0.45) return pick([string, number, () => pick([true, false, null])])();
    if (roll < 0.6) return Array.from({ length: Math.floor(next() * 4) }, () => value(depth + 1));
    return object(depth + 1);
  };
  const object = (depth: number): Record<string, unknown> => {
    // Built from JSON text so that "__proto__" becomes an own member, as in a parsed body.
    const members = Array.from({ length: Math.floor(next() * 5) }, () => [next() < 0.7 ? pick(KEY_POOL) : string(), value(depth)] as const);
    return JSON.parse(`{${members.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`);
  };
  const elements = (count: number) => Array.from({ length: count }, () => (next() < 0.9 ? object(0) : value(0)));
  return { next, elements };
}

function shuffled<T>(items: readonly T[], next: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i -= 1) {
    const j = Math.floor(next() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

function withReversedKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withReversedKeys);
  if (value === null || typeof value !== 'object') return value;
  const members = Object.keys(value).reverse().map((key) => `${JSON.stringify(key)}:${JSON.stringify(withReversedKeys((value as Record<string, unknown>)[key]))}`);
  return JSON.parse(`{${members.join(',')}}`);
}

// ---- tests

describe('computePayloadHash', () => {
  test('matches independently computed vectors (sha256sum of the canonical bytes)', () => {
    expect(computePayloadHash([{ a: 'é' }, { b: 1, a: 'x' }], [{ sourceRecordId: '9B0D' }])).toBe(
      '4d292ffd6dda2273fb3da7cb2b9f24f93cbb4d8baf9681d5bdebc3bdc92a8729',
    );
    // U+FFFD (EF BF BD) sorts before U+1F600 (F0 9F 98 80) by bytes, though not by UTF-16 units.
    expect(computePayloadHash([{ k: '😀' }, { k: '\ufffd' }], undefined)).toBe(
      '55c508ec3a12985ceece393121623af66e7cd0b374a147630e72bac47d3e3fe0',
    );
  });

  // the vectors the SDK publishes (src/client/payload-hash-vectors.json) and its own tests read
  test.each(hashVectors().map((vector) => [vector.name, vector] as const))('matches the published vector %s', (_name, vector) => {
    expect(computePayloadHash(vector.samples, vector.deleted)).toBe(vector.payloadHash);
    expect(new Bun.CryptoHasher('sha256').update(vector.canonical).digest('hex')).toBe(vector.payloadHash);
  });

  test('absent deleted hashes like an empty one', () => {
    expect(computePayloadHash([{ a: 1 }], undefined)).toBe(computePayloadHash([{ a: 1 }], []));
  });

  test('covers every field, unknown ones included', () => {
    expect(computePayloadHash([{ a: 1, extra: true }], [])).not.toBe(computePayloadHash([{ a: 1 }], []));
    expect(computePayloadHash([], [{ a: 1 }])).not.toBe(computePayloadHash([{ a: 1 }], []));
  });

  test('number forms hash as their RFC 8785 text', () => {
    const parsed = JSON.parse('[{"v":1E+30,"w":-0,"x":333333333.33333329,"y":1e-7,"z":1.0}]') as unknown[];
    expect(computePayloadHash(parsed, [])).toBe(computePayloadHash([{ v: 1e30, w: 0, x: 333333333.3333333, y: 1e-7, z: 1 }], []));
  });

  test.each(Array.from({ length: 300 }, (_, seed) => [seed]))('agrees with the naive reference (seed %p)', (seed) => {
    const { next, elements } = generator(seed);
    const samples = elements(Math.floor(next() * 12));
    const deleted = next() < 0.3 ? undefined : elements(Math.floor(next() * 4));
    const expected = naivePayloadHash(samples, deleted);
    expect(computePayloadHash(samples, deleted)).toBe(expected);
    // Element order and key order do not matter.
    expect(computePayloadHash(shuffled(samples, next), deleted && shuffled(deleted, next))).toBe(expected);
    expect(computePayloadHash(samples.map(withReversedKeys), deleted?.map(withReversedKeys))).toBe(expected);
  });

  test('a realistic batch agrees with the reference in any order', () => {
    const samples = Array.from({ length: 500 }, (_, i) => ({
      sourceId: 'com.apple.health.8C1B',
      sourceRecordId: `R${(i * 7919) % 500}`,
      metricCode: i % 2 ? 'heart_rate' : 'sleep_stage',
      valueKind: i % 2 ? 'SCALAR_NUM' : 'CATEGORY',
      ...(i % 2 ? { value: 60 + (i % 40), unit: 'count/min' } : { categoryCode: 'deep' }),
      startAt: `2026-11-20T07:${String(i % 60).padStart(2, '0')}:00Z`,
      metadata: { osVersion: '17.4', deviceModel: i % 3 ? 'Watch7,1' : 'Pixel 😀 \ue000' },
    }));
    const expected = naivePayloadHash(samples, undefined);
    expect(computePayloadHash(samples, undefined)).toBe(expected);
    expect(computePayloadHash([...samples].reverse(), undefined)).toBe(expected);
  });
});

describe('compareByCodePoints orders like UTF-8 bytes', () => {
  test.each([
    ['\ufffd', '😀', -1],
    ['😀', '\ue000', 1],
    ['\ud7ff', '😀', -1],
    ['a', 'ab', -1],
    ['𝄞', '😀', -1],
    ['x', 'x', 0],
  ])('%p vs %p', (a, b, sign) => {
    expect(Math.sign(compareByCodePoints(a, b))).toBe(sign);
    expect(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b)))).toBe(sign);
  });
});
