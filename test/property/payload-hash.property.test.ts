// CONTRACT §4.2 as laws, searched by fast-check: the payload hash ignores element order and key
// order, and covers every field sent (changing, adding or moving anything changes it). The
// table-driven vectors and the plain reference implementation live in test/unit/domain.
import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { computePayloadHash } from '../../src/domain/ingest/payload-hash.ts';

const RUNS = { numRuns: 200 };

/** Strings over the whole Unicode range (well-formed: bodies with lone surrogates are refused). */
const text = fc.string({ unit: 'binary', maxLength: 8 });
/** JSON values as a parsed body holds them (no undefined, NaN or Infinity). */
const json = fc.jsonValue({ maxDepth: 3, stringUnit: 'binary' });
/** An element: mostly objects (samples and delete refs are objects), sometimes anything. */
const element = fc.oneof(
  { weight: 9, arbitrary: fc.dictionary(text, json, { maxKeys: 6 }) },
  { weight: 1, arbitrary: json },
);
const elements = fc.array(element, { maxLength: 12 });

/** The same value with every object's members in another order (rebuilt from JSON text, so
 * keys such as "__proto__" stay own members, as in a parsed body). */
function reorderKeys(value: unknown, order: (keys: string[]) => string[]): unknown {
  if (Array.isArray(value)) return value.map((item) => reorderKeys(item, order));
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  const members = order(Object.keys(object)).map(
    (key) => `${JSON.stringify(key)}:${JSON.stringify(reorderKeys(object[key], order))}`,
  );
  return JSON.parse(`{${members.join(',')}}`);
}

const permutation = <T,>(items: readonly T[]) =>
  fc.shuffledSubarray([...items], { minLength: items.length, maxLength: items.length });

describe('the payload hash (properties)', () => {
  test('ignores the order of the samples and of the deleted refs', () => {
    fc.assert(
      fc.property(
        elements.chain((s) => fc.tuple(fc.constant(s), permutation(s))),
        elements.chain((d) => fc.tuple(fc.constant(d), permutation(d))),
        ([samples, shuffledSamples], [deleted, shuffledDeleted]) => {
          expect(computePayloadHash(shuffledSamples, shuffledDeleted)).toBe(computePayloadHash(samples, deleted));
        },
      ),
      RUNS,
    );
  });

  test('ignores the order of keys at every depth', () => {
    fc.assert(
      fc.property(elements, elements, fc.integer(), (samples, deleted, seed) => {
        // a deterministic, seed-dependent key order (reverse, rotate, or sort descending)
        const orders = [
          (keys: string[]) => [...keys].reverse(),
          (keys: string[]) => (keys.length ? [...keys.slice(seed % keys.length), ...keys.slice(0, seed % keys.length)] : keys),
          (keys: string[]) => [...keys].sort().reverse(),
        ];
        const order = orders[Math.abs(seed) % orders.length]!;
        const reordered = (items: unknown[]) => items.map((item) => reorderKeys(item, order));
        expect(computePayloadHash(reordered(samples), reordered(deleted))).toBe(computePayloadHash(samples, deleted));
      }),
      RUNS,
    );
  });

  test('an absent deleted array hashes like an empty one', () => {
    fc.assert(
      fc.property(elements, (samples) => {
        expect(computePayloadHash(samples, undefined)).toBe(computePayloadHash(samples, []));
      }),
      RUNS,
    );
  });

  test('covers every field: adding a member to one element changes the hash', () => {
    fc.assert(
      fc.property(
        fc.array(fc.dictionary(text, json, { maxKeys: 5 }), { minLength: 1, maxLength: 8 }),
        fc.nat(),
        text,
        json,
        (samples, at, key, value) => {
          const target = samples[at % samples.length]!;
          fc.pre(!Object.hasOwn(target, key));
          const changed = samples.map((sample, i) =>
            i === at % samples.length ? JSON.parse(JSON.stringify({ ...sample, [key]: value })) : sample,
          );
          expect(computePayloadHash(changed, [])).not.toBe(computePayloadHash(samples, []));
        },
      ),
      RUNS,
    );
  });

  test('covers every value: changing a string field of one element changes the hash', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ sourceRecordId: text, value: fc.double({ noNaN: true, noDefaultInfinity: true }) }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.nat(),
        text,
        (samples, at, replacement) => {
          const i = at % samples.length;
          fc.pre(samples[i]!.sourceRecordId !== replacement);
          const changed = samples.map((sample, j) => (j === i ? { ...sample, sourceRecordId: replacement } : sample));
          // the batch is a multiset of element texts: one copy moved from the old text to a new one
          expect(computePayloadHash(changed, [])).not.toBe(computePayloadHash(samples, []));
        },
      ),
      RUNS,
    );
  });

  test('tells samples from deleted refs: moving an element across changes the hash', () => {
    fc.assert(
      fc.property(fc.array(element, { minLength: 1, maxLength: 8 }), elements, (samples, deleted) => {
        const [moved, ...rest] = samples;
        expect(computePayloadHash(rest, [...deleted, moved])).not.toBe(computePayloadHash(samples, deleted));
      }),
      RUNS,
    );
  });
});
