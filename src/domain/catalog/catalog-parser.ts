// Turns the parsed metric-catalog.yaml into a MetricCatalog, refusing a malformed file with an
// error that names the offending entry (the service must not start on a catalog it misreads).
// Cross-entry rules checked here: codes and aliases name one metric each; each numeric metric
// accepts its canonical unit at factor 1; a unit alias points at an accepted unit and is not one
// itself; categories, default categories and platform category values point at the metric's
// categories; one platform name or raw value means one category; unknown fields are refused.
// The per-scope lookup maps (MetricScope) are built here, once.

import type {
  CategoryValue,
  MetricBounds,
  MetricCatalog,
  MetricDefinition,
  MetricScope,
  MetricScopes,
  PlatformNames,
} from './catalog-types.ts';
import {
  arrayAt,
  codeAt,
  fail,
  numberAt,
  objectAt,
  objectWithKeys,
  optionalBoolean,
  optionalStringArray,
  stringAt,
} from './catalog-fields.ts';
import type { MetadataPolicy } from './metadata.ts';
import { PLATFORMS, type Platform } from './platforms.ts';
import { VALUE_KINDS, type ValueKind } from '../types.ts';
import type { UnitConversion } from './units.ts';

const ROOT_FIELDS = ['metrics', 'unitAliases', 'metadata', 'unitSets', 'categorySets'] as const;
const METRIC_FIELDS = [
  'code', 'kind', 'canonicalUnit', 'units', 'bounds', 'categories', 'defaultCategory', 'requiresTimezone', ...PLATFORMS,
] as const;
const PLATFORM_FIELDS = ['aliases', 'unitOverrides', 'categories', 'defaultCategory'] as const;

type ScopeSet = { -readonly [K in keyof MetricScopes]: MetricScopes[K] };

export function parseCatalog(raw: unknown): MetricCatalog {
  const root = objectWithKeys(raw, 'catalog', ROOT_FIELDS);
  // unitSets and categorySets only hold YAML anchors the metrics refer to (*mass_kg, *severity)
  objectAt(root.unitSets ?? {}, 'unitSets');
  objectAt(root.categorySets ?? {}, 'categorySets');
  const metrics = arrayAt(root.metrics, 'metrics').map((entry, i) => parseMetric(entry, `metrics[${i}]`));
  if (metrics.length === 0) fail('metrics', 'must list at least one metric');

  const metricsByName = new Map<string, MetricDefinition>();
  const platformOfName = new Map<string, Platform | null>();
  for (const metric of metrics) {
    const names: [string, Platform | null][] = [[metric.code, null]];
    for (const platform of PLATFORMS) {
      for (const alias of metric.platforms[platform]?.aliases ?? []) names.push([alias, platform]);
    }
    for (const [name, platform] of names) {
      const other = metricsByName.get(name);
      if (other !== undefined) fail(`metric ${metric.code}`, `name "${name}" is also used by ${other.code}`);
      metricsByName.set(name, metric);
      platformOfName.set(name, platform);
    }
  }

  const unitAliases = parseUnitAliases(root.unitAliases, metrics);
  const aliasesOfUnit = new Map<string, string[]>();
  for (const [alias, unit] of unitAliases) aliasesOfUnit.set(unit, [...(aliasesOfUnit.get(unit) ?? []), alias]);

  const scopesByMetric = new Map<string, ScopeSet>();
  for (const metric of metrics) scopesByMetric.set(metric.code, buildScopes(metric, aliasesOfUnit));
  const scopesByName = new Map<string, MetricScope>();
  for (const [name, metric] of metricsByName) {
    const scopes = scopesByMetric.get(metric.code) as ScopeSet;
    const platform = platformOfName.get(name) ?? null;
    scopesByName.set(name, platform === null ? scopes.canonical : (scopes[platform] as MetricScope));
  }

  return {
    metrics,
    metricsByName,
    scopesByName,
    scopesByMetric,
    unitAliases,
    metadataPolicy: parseMetadataPolicy(root.metadata),
  };
}

function parseMetric(raw: unknown, path: string): MetricDefinition {
  const code = codeAt(objectAt(raw, path).code, `${path}.code`);
  const at = `${path} (${code})`;
  const entry = objectWithKeys(raw, at, METRIC_FIELDS);
  const kind = stringAt(entry.kind, `${at}.kind`) as ValueKind;
  if (!VALUE_KINDS.includes(kind)) fail(`${at}.kind`, `must be one of ${VALUE_KINDS.join(', ')}`);
  const requiresTimezone = optionalBoolean(entry.requiresTimezone, `${at}.requiresTimezone`);
  const bounds = entry.bounds === undefined || entry.bounds === null ? null : parseBounds(entry.bounds, `${at}.bounds`);

  const categories = parseCategories(entry.categories, `${at}.categories`);
  let canonicalUnit: string | null = null;
  const units = new Map<string, UnitConversion>();
  if (kind === 'CATEGORY') {
    for (const field of ['canonicalUnit', 'units', 'bounds'] as const) {
      if (entry[field] !== undefined && entry[field] !== null) fail(`${at}.${field}`, 'is not allowed for a CATEGORY metric');
    }
    if (categories === null) fail(`${at}.categories`, 'must list at least one category');
  } else {
    if (categories !== null && kind !== 'INTERVAL_NUM') {
      fail(`${at}.categories`, `is only allowed for CATEGORY and INTERVAL_NUM metrics, not ${kind}`);
    }
    canonicalUnit = stringAt(entry.canonicalUnit, `${at}.canonicalUnit`);
    for (const [unit, conversion] of Object.entries(objectAt(entry.units, `${at}.units`))) {
      units.set(unit, parseConversion(conversion, `${at}.units.${unit}`));
    }
    const canonical = units.get(canonicalUnit);
    if (canonical === undefined || canonical.factor !== 1 || canonical.offset !== 0) {
      fail(`${at}.units`, `must list the canonical unit "${canonicalUnit}" with factor 1 and no offset`);
    }
  }
  const defaultCategory = parseDefaultCategory(entry.defaultCategory, `${at}.defaultCategory`, categories);

  const platforms = {} as Record<Platform, PlatformNames | null>;
  const categoryAliases = new Map<string, string>();
  for (const platform of PLATFORMS) {
    const names = entry[platform] === undefined ? null : parsePlatform(entry[platform], `${at}.${platform}`, kind, categories);
    platforms[platform] = names;
    for (const { name, category } of names?.categoryValues ?? []) {
      const other = categoryAliases.get(name) ?? (categories?.includes(name) ? name : undefined);
      if (other !== undefined && other !== category) {
        fail(`${at}.${platform}.categories`, `name "${name}" means "${category}" here and "${other}" elsewhere`);
      }
      categoryAliases.set(name, category);
    }
  }
  const aliases = PLATFORMS.flatMap((platform) => platforms[platform]?.aliases ?? []);
  return { code, kind, canonicalUnit, units, bounds, categories, defaultCategory, categoryAliases, requiresTimezone, aliases, platforms };
}

function parsePlatform(raw: unknown, path: string, kind: ValueKind, categories: readonly string[] | null): PlatformNames {
  const entry = objectWithKeys(raw, path, PLATFORM_FIELDS);
  const aliases = optionalStringArray(entry.aliases, `${path}.aliases`) ?? [];
  if (aliases.length === 0) fail(`${path}.aliases`, 'must list at least one type identifier');

  const unitOverrides = new Map<string, UnitConversion>();
  if (entry.unitOverrides !== undefined) {
    if (kind === 'CATEGORY') fail(`${path}.unitOverrides`, 'is not allowed for a CATEGORY metric');
    for (const [unit, conversion] of Object.entries(objectAt(entry.unitOverrides, `${path}.unitOverrides`))) {
      unitOverrides.set(unit, parseConversion(conversion, `${path}.unitOverrides.${unit}`));
    }
  }

  const categoryValues: CategoryValue[] = [];
  if (entry.categories !== undefined) {
    if (categories === null) fail(`${path}.categories`, 'needs categories on the metric');
    const byName = new Set<string>();
    const byValue = new Map<number, string>();
    arrayAt(entry.categories, `${path}.categories`).forEach((item, i) => {
      const at = `${path}.categories[${i}]`;
      const value = objectWithKeys(item, at, ['name', 'value', 'category']);
      const name = stringAt(value.name, `${at}.name`);
      if (/^\d+$/.test(name)) fail(`${at}.name`, 'must not be a number (raw values go in "value")');
      if (byName.has(name)) fail(`${at}.name`, `"${name}" is listed twice`);
      byName.add(name);
      const category = stringAt(value.category, `${at}.category`);
      if (!categories.includes(category)) fail(`${at}.category`, `points at unknown category "${category}"`);
      let rawValue: number | null = null;
      if (value.value !== undefined) {
        rawValue = numberAt(value.value, `${at}.value`);
        if (!Number.isInteger(rawValue) || rawValue < 0) fail(`${at}.value`, 'must be an integer ≥ 0');
        const other = byValue.get(rawValue);
        if (other !== undefined && other !== category) fail(`${at}.value`, `${rawValue} already means "${other}"`);
        byValue.set(rawValue, category);
      }
      categoryValues.push(Object.freeze({ name, value: rawValue, category }));
    });
  }
  const defaultCategory = parseDefaultCategory(entry.defaultCategory, `${path}.defaultCategory`, categories);
  return { aliases, unitOverrides, categoryValues, defaultCategory };
}

function parseCategories(raw: unknown, path: string): string[] | null {
  const categories = optionalStringArray(raw, path);
  if (categories === undefined) return null;
  if (categories.length === 0) fail(path, 'must list at least one category');
  categories.forEach((code, i) => codeAt(code, `${path}[${i}]`));
  return categories;
}

function parseDefaultCategory(raw: unknown, path: string, categories: readonly string[] | null): string | null {
  if (raw === undefined || raw === null) return null;
  const category = stringAt(raw, path);
  if (categories === null) fail(path, 'needs categories on the metric');
  if (!categories.includes(category)) fail(path, `points at unknown category "${category}"`);
  return category;
}

function parseUnitAliases(raw: unknown, metrics: readonly MetricDefinition[]): Map<string, string> {
  const acceptedUnits = new Set<string>();
  for (const metric of metrics) {
    for (const unit of metric.units.keys()) acceptedUnits.add(unit);
    for (const platform of PLATFORMS) for (const unit of metric.platforms[platform]?.unitOverrides.keys() ?? []) acceptedUnits.add(unit);
  }
  const unitAliases = new Map<string, string>();
  for (const [alias, target] of Object.entries(objectAt(raw ?? {}, 'unitAliases'))) {
    const path = `unitAliases.${alias}`;
    const unit = stringAt(target, path);
    if (acceptedUnits.has(alias)) fail(path, 'is itself an accepted unit; an alias must not be');
    if (!acceptedUnits.has(unit)) fail(path, `points at "${unit}", which no metric accepts`);
    unitAliases.set(alias, unit);
  }
  return unitAliases;
}

/** The canonical scope and one per platform: every lookup a sample needs, precomputed. */
function buildScopes(metric: MetricDefinition, aliasesOfUnit: ReadonlyMap<string, readonly string[]>): ScopeSet {
  const unitsWith = (overrides: ReadonlyMap<string, UnitConversion>) => {
    const units = new Map<string, UnitConversion>([...metric.units, ...overrides]);
    for (const [unit, conversion] of [...units]) {
      for (const alias of aliasesOfUnit.get(unit) ?? []) units.set(alias, conversion);
    }
    return units;
  };
  const canonicalCategories = new Map<string, string>();
  for (const code of metric.categories ?? []) canonicalCategories.set(code, code);
  for (const [name, category] of metric.categoryAliases) canonicalCategories.set(name, category);

  const scopes: ScopeSet = {
    canonical: Object.freeze({
      metric,
      platform: null,
      units: unitsWith(new Map()),
      categories: canonicalCategories,
      defaultCategory: metric.defaultCategory,
    }),
  };
  for (const platform of PLATFORMS) {
    const names = metric.platforms[platform];
    if (names === null) continue;
    const categories = new Map<string, string>();
    for (const code of metric.categories ?? []) categories.set(code, code);
    for (const { name, value, category } of names.categoryValues) {
      categories.set(name, category);
      if (value !== null) categories.set(String(value), category);
    }
    scopes[platform] = Object.freeze({
      metric,
      platform,
      units: unitsWith(names.unitOverrides),
      categories,
      defaultCategory: names.defaultCategory ?? metric.defaultCategory,
    });
  }
  return scopes;
}

function parseConversion(raw: unknown, path: string): UnitConversion {
  const entry = objectWithKeys(raw, path, ['factor', 'offset']);
  const factor = numberAt(entry.factor ?? 1, `${path}.factor`);
  const offset = numberAt(entry.offset ?? 0, `${path}.offset`);
  if (factor <= 0) fail(`${path}.factor`, 'must be greater than 0 (conversions keep the order of values)');
  return Object.freeze({ factor, offset });
}

function parseBounds(raw: unknown, path: string): MetricBounds {
  const entry = objectWithKeys(raw, path, ['min', 'max']);
  const min = numberAt(entry.min, `${path}.min`);
  const max = numberAt(entry.max, `${path}.max`);
  if (min > max) fail(path, `min ${min} is greater than max ${max}`);
  return Object.freeze({ min, max });
}

function parseMetadataPolicy(raw: unknown): MetadataPolicy {
  const entry = objectWithKeys(raw, 'metadata', ['allowlist', 'limits']);
  const allowlist = optionalStringArray(entry.allowlist, 'metadata.allowlist') ?? [];
  if (allowlist.includes('__proto__')) fail('metadata.allowlist', 'must not contain "__proto__"');
  const limits = objectAt(entry.limits, 'metadata.limits');
  const limit = (name: string): number => {
    const value = numberAt(limits[name], `metadata.limits.${name}`);
    if (!Number.isInteger(value) || value < 1) fail(`metadata.limits.${name}`, 'must be a positive integer');
    return value;
  };
  return {
    allowlist: new Set(allowlist),
    maxDepth: limit('maxDepth'),
    maxTopLevelKeys: limit('maxTopLevelKeys'),
    maxBytes: limit('maxBytes'),
  };
}
