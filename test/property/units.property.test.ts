// Unit conversion laws (STYLE §6): for every unit the catalog accepts — its own spellings and
// the aliases, in every platform scope — canonical → unit → canonical is the identity within 1e-9
// relative, and so is unit → canonical → unit. Values range over each metric's bounds and far
// beyond them. Spellings that share a conversion and bounds are one property (the catalog has
// ~2,000 spellings but ~150 distinct conversions).
import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { defaultCatalog, resolveUnit, scopeOf } from '../../src/domain/catalog/catalog.ts';
import { PLATFORMS } from '../../src/domain/catalog/platforms.ts';
import { fromCanonical, toCanonical, type UnitConversion } from '../../src/domain/catalog/units.ts';

const RELATIVE = 1e-9;

/** Equal within 1e-9 relative; near zero the scale is 1 (an offset unit such as degF cancels
 * ~32 there, so a purely relative bound would demand more than doubles carry). */
function closeTo(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= RELATIVE * Math.max(Math.abs(expected), 1);
}

const allSpellings = defaultCatalog.metrics.flatMap((metric) =>
  [null, ...PLATFORMS].flatMap((platform) =>
    [...scopeOf(defaultCatalog, metric, platform).units.keys()].map((spelling) => {
      const conversion = resolveUnit(defaultCatalog, metric, spelling, platform) as UnitConversion;
      const bounds = metric.bounds ?? { min: -1e6, max: 1e6 };
      return { name: `${metric.code} in ${spelling}`, conversion, bounds };
    }),
  ),
);
const distinct = new Map<string, (typeof allSpellings)[number]>();
for (const unit of allSpellings) {
  const key = JSON.stringify([unit.conversion.factor, unit.conversion.offset, unit.bounds.min, unit.bounds.max]);
  if (!distinct.has(key)) distinct.set(key, unit);
}
const units = [...distinct.values()];

/** Finite doubles: within the bounds, and anywhere in ±1e12 (the contract accepts any finite value). */
const canonicalValue = (bounds: { min: number; max: number }) =>
  fc.oneof(
    fc.double({ min: bounds.min, max: bounds.max, noNaN: true }),
    fc.double({ min: -1e12, max: 1e12, noNaN: true }),
    fc.constantFrom(0, bounds.min, bounds.max),
  );

describe('unit conversions (properties)', () => {
  test('every unit the catalog accepts resolves (aliases included)', () => {
    expect(allSpellings.length).toBeGreaterThan(defaultCatalog.metrics.length);
    for (const unit of allSpellings) expect(unit.conversion, unit.name).toBeDefined();
  });

  test.each(units.map((unit) => [unit.name, unit] as const))('%s: canonical → unit → canonical', (_, unit) => {
    fc.assert(
      fc.property(canonicalValue(unit.bounds), (canonical) => {
        const back = toCanonical(fromCanonical(canonical, unit.conversion), unit.conversion);
        expect(closeTo(back, canonical)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test.each(units.map((unit) => [unit.name, unit] as const))('%s: unit → canonical → unit', (_, unit) => {
    fc.assert(
      fc.property(fc.double({ min: -1e12, max: 1e12, noNaN: true }), (value) => {
        const back = fromCanonical(toCanonical(value, unit.conversion), unit.conversion);
        expect(closeTo(back, value)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  test('conversions are monotonic increasing (a bound check in the canonical unit means the same in every unit)', () => {
    for (const unit of units) {
      fc.assert(
        fc.property(fc.double({ min: -1e9, max: 1e9, noNaN: true }), fc.double({ min: -1e9, max: 1e9, noNaN: true }), (a, b) => {
          fc.pre(a < b);
          expect(toCanonical(a, unit.conversion)).toBeLessThanOrEqual(toCanonical(b, unit.conversion));
        }),
        { numRuns: 100 },
      );
    }
  });
});
