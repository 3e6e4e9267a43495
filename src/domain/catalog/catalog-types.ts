// The shapes of the metric catalog (catalog.ts loads it, catalog-parser.ts builds it), owned by
// this one file so that neither imports the other for them.
import type { MetadataPolicy } from './metadata.ts';
import type { Platform } from './platforms.ts';
import type { ValueKind } from '../types.ts';
import type { UnitConversion } from './units.ts';

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
