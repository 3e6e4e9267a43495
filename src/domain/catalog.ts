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
import type { MetadataPolicy } from './metadata.ts';
import type { ValueKind } from './types.ts';
import type { UnitConversion } from './units.ts';

import type { Platform } from './platforms.ts';

export { parseCatalog } from './catalog-parser.ts';
export { PLATFORMS, type Platform } from './platforms.ts';

export interface MetricBounds {
  readonly min: number;
  readonly max: number;
}

/** One platform value of a category: its constant name, its integer raw value, what it means. */
export interface CategoryValue {
  readonly name: string;
  /** The integer apps read (HKCategorySample.value, a Health Connect constant); null if none. */
  readonly value: number | null;
  /** The canonical category code it maps to. */
  readonly category: string;
}

/** What one platform calls a metric, as the catalog declares it. */
export interface PlatformNames {
  /** Type identifiers (HealthKit) or record types (Health Connect, `Record.field` per value). */
  readonly aliases: readonly string[];
  /** Conversions that replace the metric's own for this platform (HealthKit "%" is a fraction). */
  readonly unitOverrides: ReadonlyMap<string, UnitConversion>;
  readonly categoryValues: readonly CategoryValue[];
  /** Replaces the metric's default category for samples named through this platform. */
  readonly defaultCategory: string | null;
}

export interface MetricDefinition {
  readonly code: string;
  readonly kind: ValueKind;
  /** null for CATEGORY metrics. */
  readonly canonicalUnit: string | null;
  /** Accepted units (the canonical one included, factor 1) → conversion to the canonical unit. */
  readonly units: ReadonlyMap<string, UnitConversion>;
  /** Inclusive, in the canonical unit; null when unbounded. */
  readonly bounds: MetricBounds | null;
  /**
   * Canonical category codes: a CATEGORY metric's values, or the categories an INTERVAL_NUM
   * metric takes as categoryCode (a workout's activity); null when the metric has none.
   */
  readonly categories: readonly string[] | null;
  /** The category of a sample that sends none (HKCategoryValueNotApplicable types), or null. */
  readonly defaultCategory: string | null;
  /** Platform category names (every platform) → canonical category code. */
  readonly categoryAliases: ReadonlyMap<string, string>;
  readonly requiresTimezone: boolean;
  /** Every platform type identifier that names this metric. */
  readonly aliases: readonly string[];
  /** The platform names, per platform; null where the platform has no such type. */
  readonly platforms: Readonly<Record<Platform, PlatformNames | null>>;
}

/**
 * How a sample naming a metric through one platform (or through the canonical code, platform
 * null) is read: every unit spelling it may send, every category name or integer, its default
 * category. Built at parse time; everything here is an O(1) lookup.
 */
export interface MetricScope {
  readonly metric: MetricDefinition;
  readonly platform: Platform | null;
  /** Unit spellings (units and their aliases) → conversion to the canonical unit. */
  readonly units: ReadonlyMap<string, UnitConversion>;
  /** Canonical codes, platform names and (platform scopes only) integer raw values as decimal text. */
  readonly categories: ReadonlyMap<string, string>;
  readonly defaultCategory: string | null;
}

/** A metric's canonical scope and one scope per platform that names it. */
export type MetricScopes = Readonly<Record<'canonical', MetricScope> & Partial<Record<Platform, MetricScope>>>;

export interface MetricCatalog {
  readonly metrics: readonly MetricDefinition[];
  /** Canonical codes and platform aliases → metric. */
  readonly metricsByName: ReadonlyMap<string, MetricDefinition>;
  /** Canonical codes and platform aliases → the scope a sample naming it is read in. */
  readonly scopesByName: ReadonlyMap<string, MetricScope>;
  /** Metric code → its canonical scope and one scope per platform it has. */
  readonly scopesByMetric: ReadonlyMap<string, MetricScopes>;
  /** Other spellings of a unit → the unit name the metrics accept. */
  readonly unitAliases: ReadonlyMap<string, string>;
  readonly metadataPolicy: MetadataPolicy;
}

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
