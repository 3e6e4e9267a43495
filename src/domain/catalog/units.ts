// Unit conversion is linear: canonical = value * factor + offset. Every unit the catalog
// accepts is described by one such pair relative to its metric's canonical unit
// (the canonical unit itself is { factor: 1, offset: 0 }).

export interface UnitConversion {
  readonly factor: number;
  readonly offset: number;
}


/** A value in some accepted unit → the same quantity in the metric's canonical unit. */
export function toCanonical(value: number, conversion: UnitConversion): number {
  return value * conversion.factor + conversion.offset;
}

/** The inverse of toCanonical (exact up to floating-point rounding, ~1e-15 relative). */
export function fromCanonical(value: number, conversion: UnitConversion): number {
  return (value - conversion.offset) / conversion.factor;
}
