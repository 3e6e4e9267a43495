// The metric catalog: which metrics exist, what they are called on each platform, which units
// and categories they accept, and their bounds. Loaded from metric-catalog.yaml (shipped with
// the service) and read-only afterwards; every per-sample rule resolves through it.
//
// Meaning is platform-scoped (CONTRACT §4.6): the name a sample gives its metric decides how its
// unit and category are read. A HealthKit type identifier reads "%" as a fraction and category
// integers as HKCategoryValue… raw values; a Health Connect record type reads its own constants;
// the canonical code reads canonical meanings. Each (metric, platform) pair is a MetricScope whose
// maps are built once at parse time, so resolving a sample is a few Map lookups, never a scan.

import raw from './metric-catalog.yaml';
import { parseCatalog } from './catalog-parser.ts';
import type { MetricCatalog, MetricDefinition, MetricScope } from './catalog-types.ts';
import type { Platform } from './platforms.ts';
import type { UnitConversion } from './units.ts';

/** The catalog shipped with the service (parsed once, at import). */
export const defaultCatalog: MetricCatalog = parseCatalog(raw);

/** The metric named by a canonical code or a platform alias. */
export function resolveMetric(
  catalog: MetricCatalog,
  codeOrAlias: string,
): MetricDefinition | undefined {
  return catalog.metricsByName.get(codeOrAlias);
}

/**
 * The metric named by a canonical code or a platform alias, with the platform the name belongs
 * to: resolve a sample's unit and category through the returned scope (unitIn, categoryIn).
 */
export function resolveMetricScope(catalog: MetricCatalog, codeOrAlias: string): MetricScope | undefined {
  return catalog.scopesByName.get(codeOrAlias);
}

const recordFieldsOf = new WeakMap<MetricCatalog, ReadonlyMap<string, readonly string[]>>();

/**
 * The aliases `Record.field` of a platform record that holds several metrics (Health Connect's
 * BloodPressureRecord.systolic / .diastolic), in catalog order; [] for any other name. A sample
 * naming the bare record can then be told which metric each of its values is.
 */
export function recordFieldAliases(catalog: MetricCatalog, name: string): readonly string[] {
  let byRecord = recordFieldsOf.get(catalog);
  if (byRecord === undefined) {
    const grouped = new Map<string, string[]>();
    for (const alias of catalog.metricsByName.keys()) {
      const dot = alias.indexOf('.');
      if (dot <= 0) continue;
      const record = alias.slice(0, dot);
      grouped.set(record, [...(grouped.get(record) ?? []), alias]);
    }
    byRecord = grouped;
    recordFieldsOf.set(catalog, byRecord);
  }
  return byRecord.get(name) ?? [];
}

export function isKnownMetricCode(catalog: MetricCatalog, codeOrAlias: string): boolean {
  return catalog.metricsByName.has(codeOrAlias);
}

/** The scope of `metric` for `platform` (null or a platform the metric lacks: the canonical scope). */
export function scopeOf(catalog: MetricCatalog, metric: MetricDefinition, platform: Platform | null = null): MetricScope {
  const scopes = catalog.scopesByMetric.get(metric.code);
  if (scopes === undefined) throw new Error(`metric ${metric.code} is not in this catalog`);
  return (platform === null ? undefined : scopes[platform]) ?? scopes.canonical;
}

/** The conversion of a unit spelling to the scope's canonical unit, read with the scope's meaning. */
export function unitIn(scope: MetricScope, unit: string): UnitConversion | undefined {
  return scope.units.get(unit);
}

/**
 * The canonical category for a canonical code, a platform constant name, or (platform scopes)
 * an integer raw value, given as a number or as its decimal text ("3" = core for HealthKit sleep).
 */
export function categoryIn(scope: MetricScope, code: string | number): string | undefined {
  if (typeof code === 'number') return Number.isInteger(code) ? scope.categories.get(String(code)) : undefined;
  return scope.categories.get(code);
}

/**
 * The conversion of `unit` to the metric's canonical unit: unit aliases apply ('beats/min' →
 * 'bpm'), then the metric must accept the result, read with `platform`'s meaning (default:
 * the canonical one).
 */
export function resolveUnit(
  catalog: MetricCatalog,
  metric: MetricDefinition,
  unit: string,
  platform: Platform | null = null,
): UnitConversion | undefined {
  return unitIn(scopeOf(catalog, metric, platform), unit);
}

/** The canonical category code for a canonical code, a platform name or (with a platform) its integer. */
export function resolveCategory(
  catalog: MetricCatalog,
  metric: MetricDefinition,
  code: string | number,
  platform: Platform | null = null,
): string | undefined {
  return categoryIn(scopeOf(catalog, metric, platform), code);
}
