// The catalog as JSON: the body of GET /api/v1/health/metrics (CONTRACT §5). Built once at start-up.

import { PLATFORMS, type MetricCatalog, type MetricDefinition, type Platform, type PlatformNames } from './catalog.ts';
import type { ValueKind } from './types.ts';

export interface PlatformJson {
  /** Type identifiers naming the metric on this platform (`Record.field` for multi-value records). */
  aliases: string[];
  /** Units whose meaning differs on this platform → conversion to the canonical unit. */
  unitOverrides: Record<string, { factor: number; offset: number }>;
  /** The platform's value names and integer raw values, each with its canonical category. */
  categories: { name: string; value: number | null; category: string }[];
  defaultCategory: string | null;
}

export interface MetricJson {
  code: string;
  kind: ValueKind;
  canonicalUnit: string | null;
  /** Every unit spelling the metric accepts with its canonical meaning: its units, then their aliases. */
  units: string[];
  bounds: { min: number; max: number } | null;
  categories: string[] | null;
  /** The category of a sample that sends none; null when a categoryCode is required. */
  defaultCategory: string | null;
  requiresTimezone: boolean;
  /** Every platform alias (both platforms). */
  aliases: string[];
  /** Per platform: its aliases, unit meanings and category values; null where it has no such type. */
  platforms: Record<Platform, PlatformJson | null>;
}

export function catalogToJson(catalog: MetricCatalog): { metrics: MetricJson[] } {
  return { metrics: catalog.metrics.map((metric) => metricToJson(catalog, metric)) };
}

function metricToJson(catalog: MetricCatalog, metric: MetricDefinition): MetricJson {
  const platforms = {} as Record<Platform, PlatformJson | null>;
  for (const platform of PLATFORMS) platforms[platform] = platformToJson(metric.platforms[platform]);
  return {
    code: metric.code,
    kind: metric.kind,
    canonicalUnit: metric.canonicalUnit,
    units: [
      ...metric.units.keys(),
      ...[...catalog.unitAliases].filter(([, unit]) => metric.units.has(unit)).map(([alias]) => alias),
    ],
    bounds: metric.bounds === null ? null : { min: metric.bounds.min, max: metric.bounds.max },
    categories: metric.categories === null ? null : [...metric.categories],
    defaultCategory: metric.defaultCategory,
    requiresTimezone: metric.requiresTimezone,
    aliases: [...metric.aliases],
    platforms,
  };
}

function platformToJson(names: PlatformNames | null): PlatformJson | null {
  if (names === null) return null;
  return {
    aliases: [...names.aliases],
    unitOverrides: Object.fromEntries([...names.unitOverrides].map(([unit, { factor, offset }]) => [unit, { factor, offset }])),
    categories: names.categoryValues.map(({ name, value, category }) => ({ name, value, category })),
    defaultCategory: names.defaultCategory,
  };
}
