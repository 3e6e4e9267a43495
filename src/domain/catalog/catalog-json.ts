// The catalog as JSON: the body of GET /api/v1/health/metrics (CONTRACT §5), built once at
// start-up. The TypeBox schemas are the route's response schema (so /docs shows it) and the types.

import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { MetricCatalog, MetricDefinition, PlatformNames } from './catalog-types.ts';
import { PLATFORMS, type Platform } from './platforms.ts';
import { VALUE_KINDS } from '../types.ts';

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const PlatformJson = Type.Object({
  /** Type identifiers naming the metric on this platform (`Record.field` for multi-value records). */
  aliases: Type.Array(Type.String()),
  /** Units whose meaning differs on this platform → conversion to the canonical unit. */
  unitOverrides: Type.Record(Type.String(), Type.Object({ factor: Type.Number(), offset: Type.Number() })),
  /** The platform's value names and integer raw values, each with its canonical category. */
  categories: Type.Array(Type.Object({ name: Type.String(), value: Nullable(Type.Integer()), category: Type.String() })),
  defaultCategory: Nullable(Type.String()),
});
export type PlatformJson = Static<typeof PlatformJson>;

export const MetricJson = Type.Object({
  code: Type.String(),
  // one literal per VALUE_KINDS entry (a mapped array would lose the literal types in Elysia)
  kind: Type.Union([Type.Literal(VALUE_KINDS[0]), Type.Literal(VALUE_KINDS[1]), Type.Literal(VALUE_KINDS[2]), Type.Literal(VALUE_KINDS[3])]),
  canonicalUnit: Nullable(Type.String()),
  /** Every unit spelling the metric accepts with its canonical meaning: its units, then their aliases. */
  units: Type.Array(Type.String()),
  bounds: Nullable(Type.Object({ min: Type.Number(), max: Type.Number() })),
  categories: Nullable(Type.Array(Type.String())),
  /** The category of a sample that sends none; null when a categoryCode is required. */
  defaultCategory: Nullable(Type.String()),
  requiresTimezone: Type.Boolean(),
  /** Every platform alias (both platforms). */
  aliases: Type.Array(Type.String()),
  /** Per platform: its aliases, unit meanings and category values; null where it has no such type. */
  platforms: Type.Object({ healthkit: Nullable(PlatformJson), healthconnect: Nullable(PlatformJson) }),
});
export type MetricJson = Static<typeof MetricJson>;

/** The body of GET /api/v1/health/metrics. */
export const MetricCatalogBody = Type.Object({ metrics: Type.Array(MetricJson) });
export type MetricCatalogBody = Static<typeof MetricCatalogBody>;

export function catalogToJson(catalog: MetricCatalog): MetricCatalogBody {
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
