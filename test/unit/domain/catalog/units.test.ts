import { describe, expect, test } from 'bun:test';
import { defaultCatalog, resolveMetric, resolveUnit } from '../../../../src/domain/catalog/catalog.ts';
import { fromCanonical, toCanonical, type UnitConversion } from '../../../../src/domain/catalog/units.ts';

function conversionFor(metricCode: string, unit: string): UnitConversion {
  const metric = resolveMetric(defaultCatalog, metricCode);
  if (metric === undefined) throw new Error(`no metric ${metricCode}`);
  const conversion = resolveUnit(defaultCatalog, metric, unit);
  if (conversion === undefined) throw new Error(`no unit ${unit} for ${metricCode}`);
  return conversion;
}

describe('toCanonical', () => {
  test.each([
    ['heart_rate', 'count/min', 72, 72],
    ['weight', 'lb', 100, 45.359237],
    ['weight', 'g', 70_500, 70.5],
    ['distance', 'km', 5, 5000],
    ['distance', 'mi', 1, 1609.344],
    ['active_energy', 'kJ', 4.184, 1],
    ['body_temperature', 'degF', 98.6, 37],
    ['body_temperature', 'degF', 32, 0],
    ['body_temperature', 'degF', -40, -40],
    ['blood_glucose', 'mmol/L', 5.5, 99.0858],
    ['workout_duration', 'min', 90, 5400],
    ['workout_duration', 'h', 1.5, 5400],
  ])('%s: %p %s is %p in the canonical unit', (metric, unit, value, expected) => {
    expect(toCanonical(value, conversionFor(metric, unit))).toBeCloseTo(expected, 9);
  });
});

describe('canonical and back is the identity within 1e-9', () => {
  const conversions = defaultCatalog.metrics.flatMap((metric) =>
    [...metric.units].map(([unit, conversion]) => [`${metric.code} ${unit}`, conversion] as const),
  );
  // A deterministic spread of magnitudes, signs and fractions (no clock, no Math.random).
  const values = Array.from({ length: 200 }, (_, i) => ((i % 2 === 0 ? 1 : -1) * (i * 7919) % 100_003) / 10 ** (i % 7));

  test.each(conversions)('%s', (_, conversion) => {
    for (const value of values) {
      const back = fromCanonical(toCanonical(value, conversion), conversion);
      expect(Math.abs(back - value)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(value)));
    }
  });
});
