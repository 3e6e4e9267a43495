// Units of time in milliseconds, named once (graphile/worker cronConstants). The pure domain
// uses them from here; everything else through src/limits.ts, which re-exports them.
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
