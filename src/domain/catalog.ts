// The metric catalog: which metrics exist, what they are called on each platform, which units
// and categories they accept, and their bounds. Loaded from metric-catalog.yaml (shipped with
// the service) and read-only afterwards; every per-sample rule resolves through it.

import raw from './metric-catalog.yaml';
import { parseCatalog } from './catalog-parser.ts';
import type { MetadataPolicy } from './metadata.ts';
import type { ValueKind } from './types.ts';
import type { UnitConversion } from './units.ts';

export { parseCatalog } from './catalog-parser.ts';

export interface MetricBounds {
  readonly min: number;
  readonly max: number;
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
  /** Canonical category codes of a CATEGORY metric, else null. */
  readonly categories: readonly string[] | null;
  /** Platform category names (HealthKit, Health Connect) → canonical category code. */
  readonly categoryAliases: ReadonlyMap<string, string>;
  readonly requiresTimezone: boolean;
  /** Platform type identifiers that name this metric. */
  readonly aliases: readonly string[];
}

export interface MetricCatalog {
  readonly metrics: readonly MetricDefinition[];
  /** Canonical codes and platform aliases → metric. */
  readonly metricsByName: ReadonlyMap<string, MetricDefinition>;
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

export function isKnownMetricCode(catalog: MetricCatalog, codeOrAlias: string): boolean {
  return catalog.metricsByName.has(codeOrAlias);
}

/**
 * The conversion of `unit` to the metric's canonical unit: unit aliases apply first
 * ('count/min' → 'bpm'), then the metric must accept the result.
 */
export function resolveUnit(
  catalog: MetricCatalog,
  metric: MetricDefinition,
  unit: string,
): UnitConversion | undefined {
  return metric.units.get(catalog.unitAliases.get(unit) ?? unit);
}

/** The canonical category code for a canonical code or a platform alias of it. */
export function resolveCategory(
  _catalog: MetricCatalog,
  metric: MetricDefinition,
  code: string,
): string | undefined {
  if (metric.categories === null) return undefined;
  if (metric.categories.includes(code)) return code;
  return metric.categoryAliases.get(code);
}

export interface MetricJson {
  code: string;
  kind: ValueKind;
  canonicalUnit: string | null;
  /** Every unit spelling the metric accepts: its units first, then the aliases of them. */
  units: string[];
  bounds: { min: number; max: number } | null;
  categories: string[] | null;
  requiresTimezone: boolean;
  aliases: string[];
}

/** The body of GET /api/v1/health/metrics. */
export function catalogToJson(catalog: MetricCatalog): { metrics: MetricJson[] } {
  return {
    metrics: catalog.metrics.map((metric) => ({
      code: metric.code,
      kind: metric.kind,
      canonicalUnit: metric.canonicalUnit,
      units: [
        ...metric.units.keys(),
        ...[...catalog.unitAliases]
          .filter(([, unit]) => metric.units.has(unit))
          .map(([alias]) => alias),
      ],
      bounds: metric.bounds === null ? null : { min: metric.bounds.min, max: metric.bounds.max },
      categories: metric.categories === null ? null : [...metric.categories],
      requiresTimezone: metric.requiresTimezone,
      aliases: [...metric.aliases],
    })),
  };
}
