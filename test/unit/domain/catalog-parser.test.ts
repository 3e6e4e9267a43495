import { describe, expect, test } from 'bun:test';
import { parseCatalog, resolveCategory, resolveMetric, resolveUnit, type MetricDefinition } from '../../../src/domain/catalog.ts';

describe('parseCatalog refuses a malformed file with a clear error', () => {
  const valid = () => ({
    metrics: [
      { code: 'a', kind: 'SCALAR_NUM', canonicalUnit: 'u', units: { u: { factor: 1 }, v: { factor: '1/2' } }, bounds: { min: 0, max: 1 }, aliases: ['A'] },
      { code: 'c', kind: 'CATEGORY', categories: ['x'], categoryAliases: { X: 'x' } },
    ],
    unitAliases: { vv: 'v' },
    metadata: { allowlist: ['k'], limits: { maxDepth: 3, maxTopLevelKeys: 20, maxBytes: 4096 } },
  });

  test('a valid minimal file parses, fractions included', () => {
    const parsed = parseCatalog(valid());
    const a = resolveMetric(parsed, 'A') as MetricDefinition;
    expect(a.code).toBe('a');
    expect(resolveUnit(parsed, a, 'vv')).toEqual({ factor: 0.5, offset: 0 });
    expect(resolveCategory(parsed, resolveMetric(parsed, 'c') as MetricDefinition, 'X')).toBe('x');
  });

  test.each<[string, (raw: ReturnType<typeof valid>) => void, RegExp]>([
    ['not a mapping', (raw) => Object.assign(raw, { metrics: 'x' }), /metrics must be a list/],
    ['unknown kind', (raw) => Object.assign(raw.metrics[0]!, { kind: 'NUM' }), /metrics\[0\] \(a\)\.kind must be one of/],
    ['canonical unit missing from units', (raw) => Object.assign(raw.metrics[0]!, { canonicalUnit: 'w' }), /must list the canonical unit "w"/],
    ['zero factor', (raw) => Object.assign(raw.metrics[0]!, { units: { u: { factor: 1 }, v: { factor: 0 } } }), /units\.v\.factor must not be 0/],
    ['bad factor', (raw) => Object.assign(raw.metrics[0]!, { units: { u: { factor: 1 }, v: { factor: 'half' } } }), /units\.v\.factor must be a finite number/],
    ['min above max', (raw) => Object.assign(raw.metrics[0]!, { bounds: { min: 2, max: 1 } }), /min 2 is greater than max 1/],
    ['duplicate name', (raw) => Object.assign(raw.metrics[1]!, { aliases: ['A'] }), /name "A" is also used by a/],
    ['unit alias to nowhere', (raw) => Object.assign(raw, { unitAliases: { q: 'nope' } }), /unitAliases\.q points at "nope"/],
    ['unit alias shadowing a unit', (raw) => Object.assign(raw, { unitAliases: { u: 'v' } }), /unitAliases\.u is itself an accepted unit/],
    ['category alias to nowhere', (raw) => Object.assign(raw.metrics[1]!, { categoryAliases: { Y: 'y' } }), /points at unknown category "y"/],
    ['units on a category metric', (raw) => Object.assign(raw.metrics[1]!, { units: {} }), /units is not allowed for a CATEGORY metric/],
    ['categories on a numeric metric', (raw) => Object.assign(raw.metrics[0]!, { categories: ['x'] }), /only allowed for CATEGORY metrics/],
    ['missing limit', (raw) => Object.assign(raw.metadata, { limits: { maxDepth: 3, maxTopLevelKeys: 20 } }), /metadata\.limits\.maxBytes must be a finite number/],
    ['non-integer limit', (raw) => Object.assign(raw.metadata, { limits: { maxDepth: 1.5, maxTopLevelKeys: 20, maxBytes: 1 } }), /maxDepth must be a positive integer/],
  ])('%s', (_, breakIt, message) => {
    const raw = valid();
    breakIt(raw);
    expect(() => parseCatalog(raw)).toThrow(message);
  });

  test('not an object at all', () => {
    expect(() => parseCatalog(null)).toThrow(/metric catalog: catalog must be a mapping/);
  });
});
