// RFC 3339 timestamps → epoch milliseconds, the range of them the service stores, and the
// local dates built on them (the calendar itself is local-days.ts: one local-date rule).
//
// Precision: the service stores timestamps as epoch milliseconds, so fractional seconds beyond
// milliseconds are truncated (…T07:15:00.123999Z → …07:15:00.123Z). Two samples that differ
// only below a millisecond therefore share a key.
//
// The parser is hand-written (fixed positions, char codes, integer arithmetic) because it runs
// twice per sample on the request path, and because Date.parse accepts non-RFC-3339 text and
// rolls impossible dates over (Feb 30 → Mar 2) instead of rejecting them.
// Leap seconds (:60) are rejected: epoch milliseconds cannot represent them.

import { DAY, MINUTE } from './durations.ts';
import { daysFromCivil, daysInMonth, formatLocalDay, localDayOf } from './local-days.ts';
import { isStorableInstant, MAX_SAMPLE_YEAR, MIN_SAMPLE_YEAR, writtenYear } from './time-bounds.ts';

/**
 * The syntax accepted by parseRfc3339, as an ECMA-262 pattern for JSON Schema / OpenAPI.
 * Syntax only: parseRfc3339 also rejects impossible values (month 13, Feb 30, hour 24, …).
 */
export const RFC3339_PATTERN =
  '^[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?([Zz]|[+-][0-9]{2}:[0-9]{2})$';

/**
 * At most this many dates come back from affectedLocalDates. It keeps the outbox event of a
 * batch bounded: a sample spanning more than 400 days is not a real measurement, and the
 * summaries of dates past the cap are simply not recomputed for it.
 */
export const MAX_AFFECTED_LOCAL_DATES = 400;

/**
 * `YYYY-MM-DDTHH:MM:SS[.fraction](Z|z|±HH:MM)` (T or t) → epoch ms, or undefined when the text
 * is not such a timestamp or names an impossible instant (2026-02-30, 24:00, offset +24:00).
 */
export function parseRfc3339(text: string): number | undefined {
  const length = text.length;
  if (length < 20) return undefined;

  const year = digitsAt(text, 0, 4);
  const month = digitsAt(text, 5, 2);
  const day = digitsAt(text, 8, 2);
  const hour = digitsAt(text, 11, 2);
  const minute = digitsAt(text, 14, 2);
  const second = digitsAt(text, 17, 2);
  if ((year | month | day | hour | minute | second) < 0) return undefined;
  const t = text.charCodeAt(10);
  if (
    text.charCodeAt(4) !== DASH ||
    text.charCodeAt(7) !== DASH ||
    (t !== UPPER_T && t !== LOWER_T) ||
    text.charCodeAt(13) !== COLON ||
    text.charCodeAt(16) !== COLON
  ) {
    return undefined;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;

  let i = 19;
  let millis = 0;
  if (text.charCodeAt(i) === DOT) {
    i += 1;
    const fractionStart = i;
    while (i < length && isDigit(text.charCodeAt(i))) i += 1;
    const digits = i - fractionStart;
    if (digits === 0) return undefined;
    // Only the first three digits matter: the rest is truncated (see the header).
    millis = (text.charCodeAt(fractionStart) - ZERO) * 100;
    if (digits > 1) millis += (text.charCodeAt(fractionStart + 1) - ZERO) * 10;
    if (digits > 2) millis += text.charCodeAt(fractionStart + 2) - ZERO;
  }

  let offsetMinutes: number;
  const zone = text.charCodeAt(i);
  if (zone === UPPER_Z || zone === LOWER_Z) {
    if (i + 1 !== length) return undefined;
    offsetMinutes = 0;
  } else if (zone === PLUS || zone === DASH) {
    if (i + 6 !== length || text.charCodeAt(i + 3) !== COLON) return undefined;
    const offsetHours = digitsAt(text, i + 1, 2);
    const offsetMins = digitsAt(text, i + 4, 2);
    if (offsetHours < 0 || offsetMins < 0 || offsetHours > 23 || offsetMins > 59) return undefined;
    offsetMinutes = (zone === DASH ? -1 : 1) * (offsetHours * 60 + offsetMins);
  } else {
    return undefined;
  }

  const secondsOfDay = hour * 3600 + minute * 60 + second;
  return (
    daysFromCivil(year, month, day) * DAY +
    secondsOfDay * 1000 +
    millis -
    offsetMinutes * MINUTE
  );
}

export type TimestampProblem = 'not_a_date_time' | 'year_out_of_range';

/**
 * A sample's (or a delete ref's) date-time: epoch ms, or why it cannot be stored — not an RFC
 * 3339 date-time that exists (2026-02-30, 24:00, offset +24:00), or outside the storable range
 * of time-bounds.ts: a written year outside MIN_SAMPLE_YEAR..MAX_SAMPLE_YEAR (below 1900 there is
 * no real measurement, only the zero dates of client libraries, 0001-01-01), or an instant past
 * 9999-12-31T23:59:59.999Z (a year-9999 time with a negative offset). With the offsets the parser
 * allows (±23:59), every storable instant and its local date at any offset of -720..840 stay
 * within years 1899..10000, all of which PostgreSQL stores.
 */
export function parseStorableTimestamp(text: string): number | TimestampProblem {
  const ms = parseRfc3339(text);
  if (ms === undefined) return 'not_a_date_time';
  const year = writtenYear(text);
  if (year < MIN_SAMPLE_YEAR || year > MAX_SAMPLE_YEAR || !isStorableInstant(ms)) return 'year_out_of_range';
  return ms;
}

/** The calendar date ('YYYY-MM-DD') of an instant, seen at a fixed UTC offset. */
export function localDateOf(epochMs: number, offsetMinutes: number): string {
  return formatLocalDay(localDayOf(epochMs, offsetMinutes));
}

/**
 * Every local date the interval [startMs, endMs] touches at the given offset, ascending.
 * An interval that ends exactly at local midnight does not touch the next date (it covers no
 * time of it), except the empty interval start == end == midnight, which is that date.
 * An end before the start is treated as an empty interval at the start.
 * At most MAX_AFFECTED_LOCAL_DATES dates (the first ones) are returned.
 */
export function affectedLocalDates(startMs: number, endMs: number, offsetMinutes: number): string[] {
  const firstDay = localDayOf(startMs, offsetMinutes);
  const lastDay = endMs > startMs ? localDayOf(endMs - 1, offsetMinutes) : firstDay;
  const count = Math.min(lastDay - firstDay + 1, MAX_AFFECTED_LOCAL_DATES);
  const dates = new Array<string>(count);
  for (let k = 0; k < count; k += 1) dates[k] = formatLocalDay(firstDay + k);
  return dates;
}

// ---- character-level helpers

const ZERO = 48;
const DASH = 45;
const PLUS = 43;
const DOT = 46;
const COLON = 58;
const UPPER_T = 84;
const LOWER_T = 116;
const UPPER_Z = 90;
const LOWER_Z = 122;

function isDigit(code: number): boolean {
  return code >= ZERO && code <= ZERO + 9;
}

/** The decimal number written by `count` digits at `start`, or -1 if any is not a digit. */
export function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i += 1) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}
