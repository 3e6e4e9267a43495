// The instants and dates this service can hand to PostgreSQL, and the years a client may name.
// Instants travel as toISOString() text and dates as YYYY-MM-DD: PostgreSQL refuses year 0000
// and the extended forms toISOString() writes outside years 0001..9999 (+010000-…, -000001-…),
// so a value outside them is refused where it arrives (a 400), never by the database (a 500).
import { DAY } from './durations.ts';

/** 0001-01-01T00:00:00.000Z */
export const MIN_STORABLE_INSTANT_MS = -62_135_596_800_000;
/** 9999-12-31T23:59:59.999Z */
export const MAX_STORABLE_INSTANT_MS = 253_402_300_799_999;


/** Years a sample's (and a delete ref's) date-time may be written in (CONTRACT §4.1). */
export const MIN_SAMPLE_YEAR = 1900;
export const MAX_SAMPLE_YEAR = 9999;

export function isStorableInstant(epochMs: number): boolean {
  return epochMs >= MIN_STORABLE_INSTANT_MS && epochMs <= MAX_STORABLE_INSTANT_MS;
}

/** A day number (days since 1970-01-01) whose date is in years 0001..9999. */
export function isStorableDay(day: number): boolean {
  return day >= Math.floor(MIN_STORABLE_INSTANT_MS / DAY) && day <= Math.floor(MAX_STORABLE_INSTANT_MS / DAY);
}

/** The year as written at the start of an RFC 3339 text (its first four digits). */
export function writtenYear(rfc3339: string): number {
  let year = 0;
  for (let i = 0; i < 4; i++) {
    const digit = rfc3339.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return Number.NaN;
    year = year * 10 + digit;
  }
  return year;
}

/** The range of UTC offsets (CONTRACT §4: -12:00..+14:00), for samples, the header and time zones. */
export const MIN_TIMEZONE_OFFSET_MINUTES = -720;
export const MAX_TIMEZONE_OFFSET_MINUTES = 840;
