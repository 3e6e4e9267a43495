// The catalog as Markdown (`bun run cli catalog --markdown`, committed as metric-catalog.md): one
// table of every metric, then each category metric's platform values, then the unit spellings.

import type { MetricCatalog, MetricDefinition } from './catalog-types.ts';
import { PLATFORMS, type Platform } from './platforms.ts';
import type { UnitConversion } from './units.ts';

const PLATFORM_TITLES: Record<Platform, string> = { healthkit: 'HealthKit', healthconnect: 'Health Connect' };

export function catalogToMarkdown(catalog: MetricCatalog): string {
  const lines = [
    '# Metric catalog',
    '',
    'Generated from `src/domain/catalog/metric-catalog.yaml` by `bun run cli catalog --markdown`; do not edit.',
    `${catalog.metrics.length} metrics, ${countAliases(catalog, 'healthkit')} HealthKit and ` +
      `${countAliases(catalog, 'healthconnect')} Health Connect aliases, ${countSpellings(catalog)} unit spellings, ` +
      `${countCategories(catalog)} categories. Bounds are inclusive, in the canonical unit. A platform alias reads ` +
      'units and category values with that platform\'s meaning; the canonical code reads canonical meanings.',
    '',
    '## Metrics',
    '',
    row(['code', 'kind', 'unit', 'other units', 'bounds', 'HealthKit', 'Health Connect', 'categories']),
    row(Array(8).fill('---')),
    ...catalog.metrics.map((metric) => row(metricCells(metric))),
    '',
    '## Category values',
    '',
    'Per platform: the constant name `=` its integer raw value. *default*: the category of a sample that sends none.',
    '',
    row(['metric', 'category', 'HealthKit', 'Health Connect']),
    row(Array(4).fill('---')),
    ...catalog.metrics.flatMap((metric) => categoryRows(metric)),
    '',
    '## Unit spellings',
    '',
    'Other spellings of a unit, resolved before the metric\'s units are checked.',
    '',
    row(['spelling', 'unit']),
    row(['---', '---']),
    ...[...catalog.unitAliases].map(([alias, unit]) => row([code(alias), code(unit)])),
    '',
  ];
  return lines.join('\n');
}

function metricCells(metric: MetricDefinition): string[] {
  const others = [...metric.units].filter(([unit]) => unit !== metric.canonicalUnit).map(([unit, c]) => `${code(unit)} ${conversion(c)}`);
  for (const platform of PLATFORMS) {
    for (const [unit, c] of metric.platforms[platform]?.unitOverrides ?? []) {
      others.push(`${PLATFORM_TITLES[platform]} ${code(unit)} ${conversion(c)}`);
    }
  }
  const kind = metric.requiresTimezone ? `${metric.kind} (needs a time zone)` : metric.kind;
  const bounds = metric.bounds === null ? '' : `${metric.bounds.min}..${metric.bounds.max}`;
  const aliases = (platform: Platform) => (metric.platforms[platform]?.aliases ?? []).map(code).join(', ');
  const categories = (metric.categories ?? []).map((c) => (c === metric.defaultCategory ? `${c} (default)` : c)).join(', ');
  return [code(metric.code), kind, metric.canonicalUnit === null ? '' : code(metric.canonicalUnit), others.join(', '), bounds,
    aliases('healthkit'), aliases('healthconnect'), categories];
}

function categoryRows(metric: MetricDefinition): string[] {
  return (metric.categories ?? []).map((category) => {
    const cells = PLATFORMS.map((platform) => {
      const names = metric.platforms[platform];
      if (names === null) return '';
      const values = names.categoryValues
        .filter((value) => value.category === category)
        .map(({ name, value }) => (value === null ? code(name) : `${code(name)} = ${value}`));
      if (names.defaultCategory === category) values.push('*default*');
      return values.join(', ');
    });
    const label = category === metric.defaultCategory ? `${code(category)} *default*` : code(category);
    return row([code(metric.code), label, ...cells]);
  });
}

/** "× 0.45359237", "× 0.5556 − 17.78": how a value in the unit becomes canonical. */
function conversion({ factor, offset }: UnitConversion): string {
  const scaled = `×${round(factor)}`;
  return offset === 0 ? `(${scaled})` : `(${scaled} ${offset < 0 ? '−' : '+'} ${round(Math.abs(offset))})`;
}

function round(value: number): string {
  return Number(value.toPrecision(10)).toString();
}

function code(text: string): string {
  return `\`${text}\``;
}

function row(cells: string[]): string {
  return `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
}

function countAliases(catalog: MetricCatalog, platform: Platform): number {
  return catalog.metrics.reduce((n, metric) => n + (metric.platforms[platform]?.aliases.length ?? 0), 0);
}

function countSpellings(catalog: MetricCatalog): number {
  const units = new Set(catalog.metrics.flatMap((metric) => [...metric.units.keys()]));
  return units.size + catalog.unitAliases.size;
}

function countCategories(catalog: MetricCatalog): number {
  return catalog.metrics.reduce((n, metric) => n + (metric.categories?.length ?? 0), 0);
}
