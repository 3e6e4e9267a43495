// Turns the parsed metric-catalog.yaml into a MetricCatalog, refusing a malformed file with an
// error that names the offending entry (the service must not start on a catalog it misreads).
// Cross-entry rules checked here: codes and aliases name one metric each; each metric accepts
// its canonical unit at factor 1; a unit alias points at an accepted unit and is not one itself;
// category aliases point at the metric's categories.

import type { MetricBounds, MetricCatalog, MetricDefinition } from './catalog.ts';
import type { MetadataPolicy } from './metadata.ts';
import { VALUE_KINDS, type ValueKind } from './types.ts';
import type { UnitConversion } from './units.ts';

export function parseCatalog(raw: unknown): MetricCatalog {
  const root = objectAt(raw, 'catalog');
  const metrics = arrayAt(root.metrics, 'metrics').map((entry, i) =>
    parseMetric(entry, `metrics[${i}]`),
  );
  if (metrics.length === 0) fail('metrics', 'must list at least one metric');

  const metricsByName = new Map<string, MetricDefinition>();
  for (const metric of metrics) {
    for (const name of [metric.code, ...metric.aliases]) {
      const other = metricsByName.get(name);
      if (other !== undefined) fail(`metric ${metric.code}`, `name "${name}" is also used by ${other.code}`);
      metricsByName.set(name, metric);
    }
  }

  const acceptedUnits = new Set(metrics.flatMap((metric) => [...metric.units.keys()]));
  const unitAliases = new Map<string, string>();
  for (const [alias, target] of Object.entries(objectAt(root.unitAliases ?? {}, 'unitAliases'))) {
    const path = `unitAliases.${alias}`;
    const unit = stringAt(target, path);
    if (acceptedUnits.has(alias)) fail(path, 'is itself an accepted unit; an alias must not be');
    if (!acceptedUnits.has(unit)) fail(path, `points at "${unit}", which no metric accepts`);
    unitAliases.set(alias, unit);
  }

  return { metrics, metricsByName, unitAliases, metadataPolicy: parseMetadataPolicy(root.metadata) };
}

function parseMetric(raw: unknown, path: string): MetricDefinition {
  const entry = objectAt(raw, path);
  const code = stringAt(entry.code, `${path}.code`);
  const at = `${path} (${code})`;
  const kind = stringAt(entry.kind, `${at}.kind`) as ValueKind;
  if (!VALUE_KINDS.includes(kind)) fail(`${at}.kind`, `must be one of ${VALUE_KINDS.join(', ')}`);
  const aliases = optionalStringArray(entry.aliases, `${at}.aliases`) ?? [];
  const requiresTimezone = entry.requiresTimezone ?? false;
  if (typeof requiresTimezone !== 'boolean') fail(`${at}.requiresTimezone`, 'must be true or false');
  const bounds = entry.bounds === undefined || entry.bounds === null ? null : parseBounds(entry.bounds, `${at}.bounds`);

  if (kind === 'CATEGORY') {
    for (const field of ['canonicalUnit', 'units'] as const) {
      if (entry[field] !== undefined && entry[field] !== null) fail(`${at}.${field}`, 'is not allowed for a CATEGORY metric');
    }
    const categories = optionalStringArray(entry.categories, `${at}.categories`) ?? [];
    if (categories.length === 0) fail(`${at}.categories`, 'must list at least one category');
    const categoryAliases = new Map<string, string>();
    for (const [alias, target] of Object.entries(objectAt(entry.categoryAliases ?? {}, `${at}.categoryAliases`))) {
      const category = stringAt(target, `${at}.categoryAliases.${alias}`);
      if (!categories.includes(category)) fail(`${at}.categoryAliases.${alias}`, `points at unknown category "${category}"`);
      categoryAliases.set(alias, category);
    }
    return { code, kind, canonicalUnit: null, units: new Map(), bounds, categories, categoryAliases, requiresTimezone, aliases };
  }

  if (entry.categories !== undefined || entry.categoryAliases !== undefined) {
    fail(`${at}.categories`, `is only allowed for CATEGORY metrics, not ${kind}`);
  }
  const canonicalUnit = stringAt(entry.canonicalUnit, `${at}.canonicalUnit`);
  const units = new Map<string, UnitConversion>();
  for (const [unit, conversion] of Object.entries(objectAt(entry.units, `${at}.units`))) {
    units.set(unit, parseConversion(conversion, `${at}.units.${unit}`));
  }
  const canonical = units.get(canonicalUnit);
  if (canonical === undefined || canonical.factor !== 1 || canonical.offset !== 0) {
    fail(`${at}.units`, `must list the canonical unit "${canonicalUnit}" with factor 1 and no offset`);
  }
  return { code, kind, canonicalUnit, units, bounds, categories: null, categoryAliases: new Map(), requiresTimezone, aliases };
}

function parseConversion(raw: unknown, path: string): UnitConversion {
  const entry = objectAt(raw, path);
  const factor = numberAt(entry.factor ?? 1, `${path}.factor`);
  const offset = numberAt(entry.offset ?? 0, `${path}.offset`);
  if (factor === 0) fail(`${path}.factor`, 'must not be 0');
  return Object.freeze({ factor, offset });
}

function parseBounds(raw: unknown, path: string): MetricBounds {
  const entry = objectAt(raw, path);
  const min = numberAt(entry.min, `${path}.min`);
  const max = numberAt(entry.max, `${path}.max`);
  if (min > max) fail(path, `min ${min} is greater than max ${max}`);
  return Object.freeze({ min, max });
}

function parseMetadataPolicy(raw: unknown): MetadataPolicy {
  const entry = objectAt(raw, 'metadata');
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

// ---- field readers: each returns the typed value or throws naming the path

function fail(path: string, problem: string): never {
  throw new Error(`metric catalog: ${path} ${problem}`);
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(path, 'must be a mapping');
  return value as Record<string, unknown>;
}

function arrayAt(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) fail(path, 'must be a list');
  return value;
}

function stringAt(value: unknown, path: string): string {
  if (typeof value !== 'string' || value.length === 0) fail(path, 'must be a non-empty string');
  return value;
}

function optionalStringArray(value: unknown, path: string): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const items = arrayAt(value, path).map((item, i) => stringAt(item, `${path}[${i}]`));
  if (new Set(items).size !== items.length) fail(path, 'must not repeat an entry');
  return items;
}

const FRACTION = /^\s*(-?\d+(?:\.\d+)?)\s*\/\s*(\d+(?:\.\d+)?)\s*$/;

/** A finite number, or a "p/q" fraction string (exact factors such as 5/9 stay readable). */
function numberAt(value: unknown, path: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const fraction = typeof value === 'string' ? FRACTION.exec(value) : null;
  if (fraction !== null) {
    const result = Number(fraction[1]) / Number(fraction[2]);
    if (Number.isFinite(result)) return result;
  }
  return fail(path, 'must be a finite number or a "p/q" fraction');
}
