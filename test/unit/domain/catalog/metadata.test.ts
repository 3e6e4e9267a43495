import { describe, expect, test } from 'bun:test';
import { defaultCatalog } from '../../../../src/domain/catalog/catalog.ts';
import { sanitizeMetadata, type MetadataPolicy } from '../../../../src/domain/catalog/metadata.ts';

const policy = defaultCatalog.metadataPolicy;

/** A policy with many allowlisted keys, to reach the key-count limit. */
const wide: MetadataPolicy = {
  allowlist: new Set(Array.from({ length: 30 }, (_, i) => `k${i}`)),
  maxDepth: 3,
  maxTopLevelKeys: 20,
  maxBytes: 4096,
};
const keys = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, i]));

describe('sanitizeMetadata keeps allowlisted keys and drops the rest', () => {
  test.each([
    ['absent', undefined, {}],
    ['null', null, {}],
    ['empty', {}, {}],
    ['allowlisted only', { deviceModel: 'Watch7,1', osVersion: '17.4' }, { deviceModel: 'Watch7,1', osVersion: '17.4' }],
    ['unknown keys dropped', { deviceModel: 'Watch7,1', HKMetadataKeyFoo: 1, secret: 'x' }, { deviceModel: 'Watch7,1' }],
    ['__proto__ dropped', JSON.parse('{"__proto__": {"x": 1}, "appVersion": "2.0"}'), { appVersion: '2.0' }],
    ['nested values kept as they are', { heartRateMotionContext: { a: [1, 2] } }, { heartRateMotionContext: { a: [1, 2] } }],
  ])('%s', (_, input, expected) => {
    expect(sanitizeMetadata(input, policy)).toEqual({ ok: true, value: expected });
  });

  test('the catalog allowlist holds the contract keys', () => {
    for (const key of ['deviceModel', 'deviceManufacturer', 'osVersion', 'appVersion', 'sampleReliability', 'wasUserEntered', 'syncIdentifier', 'syncVersion', 'timeZone', 'heartRateMotionContext']) {
      expect(policy.allowlist.has(key)).toBe(true);
    }
    expect({ maxDepth: policy.maxDepth, maxTopLevelKeys: policy.maxTopLevelKeys, maxBytes: policy.maxBytes }).toEqual({ maxDepth: 3, maxTopLevelKeys: 20, maxBytes: 4096 });
  });
});

describe('sanitizeMetadata limits', () => {
  test.each([
    ['depth 3 (object)', { deviceModel: { b: { c: 1 } } }, true],
    ['depth 4 (empty object at level 4)', { deviceModel: { b: { c: {} } } }, false],
    ['depth 3 (arrays count as levels)', { deviceModel: [[1]] }, true],
    ['depth 4 (arrays)', { deviceModel: [[[1]]] }, false],
    ['deep nesting under a dropped key is ignored', { dropped: { b: { c: { d: { e: {} } } } } }, true],
    ['4096 bytes', { deviceModel: 'x'.repeat(4096 - '{"deviceModel":""}'.length) }, true],
    ['4097 bytes', { deviceModel: 'x'.repeat(4097 - '{"deviceModel":""}'.length) }, false],
    ['4096 bytes of multi-byte characters', { deviceModel: 'é'.repeat((4096 - '{"deviceModel":""}'.length) / 2) }, true],
    ['4098 bytes of multi-byte characters', { deviceModel: 'é'.repeat((4098 - '{"deviceModel":""}'.length) / 2) }, false],
    ['big values under dropped keys do not count', { deviceModel: 'a', other: 'x'.repeat(10_000) }, true],
    ['NUL in a value', { deviceModel: 'a\u0000b' }, false],
    ['NUL in a nested key', { deviceModel: { 'a\u0000': 1 } }, false],
    ['not an object', [1, 2], false],
    ['a string', 'x', false],
  ])('%s', (_, input, ok) => {
    expect(sanitizeMetadata(input, policy).ok).toBe(ok);
  });

  // flat metadata well under the limit is decided from a bound on its size, without writing its
  // JSON: at exactly its size it must pass and one byte under fail, whatever its values
  test.each([
    ['the longest number texts', { k0: -0.0000012345678901234567, k1: -2.2250738585072014e-308, k2: -123456789012345680000 }],
    ['escaped control characters', { k0: '\u0001\u001f"\\\n' }],
    ['multi-byte and astral characters', { k0: 'é€😀', k1: true, k2: null }],
    ['many short members', keys(20)],
  ])('%s: the limit is the exact UTF-8 size of its JSON', (_, metadata) => {
    const size = Buffer.byteLength(JSON.stringify(metadata));
    expect(sanitizeMetadata(metadata, { ...wide, maxBytes: size }).ok).toBe(true);
    expect(sanitizeMetadata(metadata, { ...wide, maxBytes: size - 1 }).ok).toBe(false);
  });

  test.each([
    [20, true],
    [21, false],
  ])('%p allowlisted keys → ok: %p', (count, ok) => {
    expect(sanitizeMetadata(keys(count), wide).ok).toBe(ok);
  });

  test('keys outside the allowlist are dropped before counting', () => {
    const result = sanitizeMetadata({ ...keys(20), extra1: 1, extra2: 2 }, wide);
    expect(result).toEqual({ ok: true, value: keys(20) });
  });

  test('a failure message names the limit, not the content', () => {
    const result = sanitizeMetadata({ deviceModel: { b: { c: { d: 'secret' } } } }, policy);
    expect(result).toEqual({ ok: false, message: 'metadata is nested deeper than 3 levels.' });
  });
});
