import { describe, expect, test } from 'bun:test';
import { resolveCategory, resolveMetric, resolveMetricScope, resolveUnit, unitIn } from '../../../../src/domain/catalog/catalog.ts';
import type { MetricDefinition } from '../../../../src/domain/catalog/catalog-types.ts';
import { parseCatalog } from '../../../../src/domain/catalog/catalog-parser.ts';

type Raw = {
  metrics: Record<string, any>[];
  unitAliases: Record<string, string>;
  metadata: Record<string, any>;
  [key: string]: unknown;
};

const valid = (): Raw => ({
  metrics: [
    {
      code: 'a',
      kind: 'SCALAR_NUM',
      canonicalUnit: 'u',
      units: { u: { factor: 1 }, v: { factor: '1/2' } },
      bounds: { min: 0, max: 1 },
      healthkit: { aliases: ['A'], unitOverrides: { u: { factor: 100 } } },
      healthconnect: { aliases: ['ARecord'] },
    },
    {
      code: 'c',
      kind: 'CATEGORY',
      categories: ['x', 'y'],
      defaultCategory: 'x',
      healthkit: { aliases: ['C'], categories: [{ name: 'X', value: 0, category: 'x' }, { name: 'Y', value: 1, category: 'y' }] },
      healthconnect: { aliases: ['CRecord'], defaultCategory: 'y', categories: [{ name: 'Y_CONST', value: 0, category: 'y' }] },
    },
    {
      code: 'w',
      kind: 'INTERVAL_NUM',
      canonicalUnit: 's',
      units: { s: {} },
      categories: ['run'],
    },
  ],
  unitAliases: { vv: 'v' },
  metadata: { allowlist: ['k'], limits: { maxDepth: 3, maxTopLevelKeys: 20, maxBytes: 4096 } },
});

describe('parseCatalog reads a valid file', () => {
  const parsed = parseCatalog(valid());
  const a = resolveMetric(parsed, 'A') as MetricDefinition;
  const c = resolveMetric(parsed, 'c') as MetricDefinition;

  test('fractions, unit aliases and platform unit meanings', () => {
    expect(a.code).toBe('a');
    expect(resolveUnit(parsed, a, 'vv')).toEqual({ factor: 0.5, offset: 0 });
    expect(resolveUnit(parsed, a, 'u')).toEqual({ factor: 1, offset: 0 });
    expect(resolveUnit(parsed, a, 'u', 'healthkit')).toEqual({ factor: 100, offset: 0 });
    expect(resolveUnit(parsed, a, 'u', 'healthconnect')).toEqual({ factor: 1, offset: 0 });
  });

  test('a name resolves to the scope of its platform', () => {
    expect(resolveMetricScope(parsed, 'A')?.platform).toBe('healthkit');
    expect(resolveMetricScope(parsed, 'ARecord')?.platform).toBe('healthconnect');
    expect(resolveMetricScope(parsed, 'a')?.platform).toBeNull();
    expect(unitIn(resolveMetricScope(parsed, 'A')!, 'vv')).toEqual({ factor: 0.5, offset: 0 });
  });

  test('category integers are read per platform; names everywhere; defaults per platform', () => {
    expect(resolveCategory(parsed, c, 'X')).toBe('x');
    expect(resolveCategory(parsed, c, 'Y_CONST')).toBe('y');
    expect(resolveCategory(parsed, c, 0)).toBeUndefined();
    expect(resolveCategory(parsed, c, 0, 'healthkit')).toBe('x');
    expect(resolveCategory(parsed, c, '0', 'healthconnect')).toBe('y');
    expect(resolveCategory(parsed, c, 'Y_CONST', 'healthkit')).toBeUndefined();
    expect(resolveMetricScope(parsed, 'C')?.defaultCategory).toBe('x');
    expect(resolveMetricScope(parsed, 'CRecord')?.defaultCategory).toBe('y');
  });

  test('an INTERVAL_NUM metric may list categories', () => {
    expect(resolveMetric(parsed, 'w')?.categories).toEqual(['run']);
  });
});

describe('parseCatalog refuses a malformed file, naming the entry', () => {
  test.each<[string, (raw: Raw) => void, RegExp]>([
    ['metrics not a list', (raw) => Object.assign(raw, { metrics: 'x' }), /metrics must be a list/],
    ['no metrics', (raw) => Object.assign(raw, { metrics: [] }), /metrics must list at least one metric/],
    ['unknown top-level key', (raw) => Object.assign(raw, { metric: [] }), /catalog\.metric is not a known field/],
    ['code not snake_case', (raw) => Object.assign(raw.metrics[0]!, { code: 'HeartRate' }), /metrics\[0\]\.code "HeartRate" must be snake_case/],
    ['unknown kind', (raw) => Object.assign(raw.metrics[0]!, { kind: 'NUM' }), /metrics\[0\] \(a\)\.kind must be one of/],
    ['misspelt field', (raw) => Object.assign(raw.metrics[0]!, { healthKit: { aliases: ['Z'] } }), /metrics\[0\] \(a\)\.healthKit is not a known field/],
    ['old categoryAliases field', (raw) => Object.assign(raw.metrics[1]!, { categoryAliases: { X: 'x' } }), /\(c\)\.categoryAliases is not a known field/],
    ['requiresTimezone not a boolean', (raw) => Object.assign(raw.metrics[0]!, { requiresTimezone: 'yes' }), /\(a\)\.requiresTimezone must be true or false/],
    ['canonical unit missing from units', (raw) => Object.assign(raw.metrics[0]!, { canonicalUnit: 'w' }), /\(a\)\.units must list the canonical unit "w"/],
    ['canonical unit not at factor 1', (raw) => Object.assign(raw.metrics[0]!, { units: { u: { factor: 2 } } }), /must list the canonical unit "u" with factor 1/],
    ['zero factor', (raw) => Object.assign(raw.metrics[0]!, { units: { u: {}, v: { factor: 0 } } }), /\(a\)\.units\.v\.factor must be greater than 0/],
    ['negative factor', (raw) => Object.assign(raw.metrics[0]!, { units: { u: {}, v: { factor: -1 } } }), /units\.v\.factor must be greater than 0/],
    ['bad factor', (raw) => Object.assign(raw.metrics[0]!, { units: { u: {}, v: { factor: 'half' } } }), /units\.v\.factor must be a finite number/],
    ['unknown conversion field', (raw) => Object.assign(raw.metrics[0]!, { units: { u: {}, v: { scale: 2 } } }), /units\.v\.scale is not a known field/],
    ['min above max', (raw) => Object.assign(raw.metrics[0]!, { bounds: { min: 2, max: 1 } }), /\(a\)\.bounds min 2 is greater than max 1/],
    ['bounds without max', (raw) => Object.assign(raw.metrics[0]!, { bounds: { min: 2 } }), /\(a\)\.bounds\.max must be a finite number/],
    ['duplicate name across metrics', (raw) => Object.assign(raw.metrics[1]!.healthkit, { aliases: ['A'] }), /metric c name "A" is also used by a/],
    ['alias equal to another code', (raw) => Object.assign(raw.metrics[1]!.healthconnect, { aliases: ['a'] }), /metric c name "a" is also used by a/],
    ['same alias on both platforms', (raw) => Object.assign(raw.metrics[0]!.healthconnect, { aliases: ['A'] }), /metric a name "A" is also used by a/],
    ['platform without aliases', (raw) => Object.assign(raw.metrics[0]!.healthconnect, { aliases: [] }), /\(a\)\.healthconnect\.aliases must list at least one/],
    ['repeated alias', (raw) => Object.assign(raw.metrics[0]!.healthconnect, { aliases: ['Z', 'Z'] }), /healthconnect\.aliases must not repeat an entry/],
    ['unit alias to nowhere', (raw) => Object.assign(raw, { unitAliases: { q: 'nope' } }), /unitAliases\.q points at "nope", which no metric accepts/],
    ['unit alias shadowing a unit', (raw) => Object.assign(raw, { unitAliases: { u: 'v' } }), /unitAliases\.u is itself an accepted unit/],
    ['unit overrides on a category metric', (raw) => Object.assign(raw.metrics[1]!.healthkit, { unitOverrides: { u: {} } }), /\(c\)\.healthkit\.unitOverrides is not allowed for a CATEGORY metric/],
    ['units on a category metric', (raw) => Object.assign(raw.metrics[1]!, { units: {} }), /\(c\)\.units is not allowed for a CATEGORY metric/],
    ['bounds on a category metric', (raw) => Object.assign(raw.metrics[1]!, { bounds: { min: 0, max: 1 } }), /\(c\)\.bounds is not allowed for a CATEGORY metric/],
    ['category metric without categories', (raw) => Object.assign(raw.metrics[1]!, { categories: undefined }), /\(c\)\.categories must list at least one category/],
    ['empty category list', (raw) => Object.assign(raw.metrics[1]!, { categories: [] }), /\(c\)\.categories must list at least one category/],
    ['category code not snake_case', (raw) => Object.assign(raw.metrics[1]!, { categories: ['x', 'Deep'] }), /\(c\)\.categories\[1\] "Deep" must be snake_case/],
    ['categories on a scalar metric', (raw) => Object.assign(raw.metrics[0]!, { categories: ['x'] }), /\(a\)\.categories is only allowed for CATEGORY and INTERVAL_NUM metrics, not SCALAR_NUM/],
    ['default category not listed', (raw) => Object.assign(raw.metrics[1]!, { defaultCategory: 'z' }), /\(c\)\.defaultCategory points at unknown category "z"/],
    ['default category without categories', (raw) => Object.assign(raw.metrics[0]!, { defaultCategory: 'x' }), /\(a\)\.defaultCategory needs categories on the metric/],
    ['platform default not listed', (raw) => Object.assign(raw.metrics[1]!.healthconnect, { defaultCategory: 'z' }), /\(c\)\.healthconnect\.defaultCategory points at unknown category "z"/],
    ['platform value to nowhere', (raw) => raw.metrics[1]!.healthkit.categories.push({ name: 'Z', value: 2, category: 'z' }), /\(c\)\.healthkit\.categories\[2\]\.category points at unknown category "z"/],
    ['platform values on a metric without categories', (raw) => Object.assign(raw.metrics[0]!.healthkit, { categories: [{ name: 'Z', category: 'z' }] }), /\(a\)\.healthkit\.categories needs categories on the metric/],
    ['raw value not an integer', (raw) => Object.assign(raw.metrics[1]!.healthkit.categories[0], { value: 1.5 }), /healthkit\.categories\[0\]\.value must be an integer ≥ 0/],
    ['negative raw value', (raw) => Object.assign(raw.metrics[1]!.healthkit.categories[0], { value: -1 }), /healthkit\.categories\[0\]\.value must be an integer ≥ 0/],
    ['one raw value, two categories', (raw) => Object.assign(raw.metrics[1]!.healthkit.categories[1], { value: 0 }), /healthkit\.categories\[1\]\.value 0 already means "x"/],
    ['a name listed twice', (raw) => Object.assign(raw.metrics[1]!.healthkit.categories[1], { name: 'X' }), /healthkit\.categories\[1\]\.name "X" is listed twice/],
    ['a numeric name', (raw) => Object.assign(raw.metrics[1]!.healthkit.categories[1], { name: '7' }), /healthkit\.categories\[1\]\.name must not be a number/],
    ['one name, two meanings across platforms', (raw) => Object.assign(raw.metrics[1]!.healthconnect.categories[0], { name: 'X' }), /\(c\)\.healthconnect\.categories name "X" means "y" here and "x" elsewhere/],
    ['a name that is another category\'s code', (raw) => Object.assign(raw.metrics[1]!.healthconnect.categories[0], { name: 'x' }), /name "x" means "y" here and "x" elsewhere/],
    ['unknown platform value field', (raw) => Object.assign(raw.metrics[1]!.healthkit.categories[0], { label: 'X' }), /healthkit\.categories\[0\]\.label is not a known field/],
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
