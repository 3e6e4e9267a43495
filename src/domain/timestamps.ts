// RFC 3339 timestamps → epoch milliseconds, and the local-date arithmetic built on them.
//
// Precision: the service stores timestamps as epoch milliseconds, so fractional seconds beyond
// milliseconds are truncated (…T07:15:00.123999Z → …07:15:00.123Z). Two samples that differ
// only below a millisecond therefore share a key.
//
// The parser is hand-written (fixed positions, char codes, integer arithmetic) because it runs
// twice per sample on the request path, and because Date.parse accepts non-RFC-3339 text and
// rolls impossible dates over (Feb 30 → Mar 2) instead of rejecting them.
// Leap seconds (:60) are rejected: epoch milliseconds cannot represent them.

const MS_PER_MINUTE = 60_000;
const MS_PER_DAY = 86_400_000;

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
    daysFromCivil(year, month, day) * MS_PER_DAY +
    secondsOfDay * 1000 +
    millis -
    offsetMinutes * MS_PER_MINUTE
  );
}

/** The calendar date ('YYYY-MM-DD') of an instant, seen at a fixed UTC offset. */
export function localDateOf(epochMs: number, offsetMinutes: number): string {
  return formatDay(Math.floor((epochMs + offsetMinutes * MS_PER_MINUTE) / MS_PER_DAY));
}

/**
 * Every local date the interval [startMs, endMs] touches at the given offset, ascending.
 * An interval that ends exactly at local midnight does not touch the next date (it covers no
 * time of it), except the empty interval start == end == midnight, which is that date.
 * An end before the start is treated as an empty interval at the start.
 * At most MAX_AFFECTED_LOCAL_DATES dates (the first ones) are returned.
 */
export function affectedLocalDates(startMs: number, endMs: number, offsetMinutes: number): string[] {
  const shift = offsetMinutes * MS_PER_MINUTE;
  const firstDay = Math.floor((startMs + shift) / MS_PER_DAY);
  const lastDay = endMs > startMs ? Math.floor((endMs + shift - 1) / MS_PER_DAY) : firstDay;
  const count = Math.min(lastDay - firstDay + 1, MAX_AFFECTED_LOCAL_DATES);
  const dates = new Array<string>(count);
  for (let k = 0; k < count; k += 1) dates[k] = formatDay(firstDay + k);
  return dates;
}

/** Epoch ms → `YYYY-MM-DDTHH:MM:SS.mmmZ`. */
export function toIso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

// ---- calendar arithmetic (proleptic Gregorian; H. Hinnant's days_from_civil / civil_from_days)

/** Days since 1970-01-01 of a civil date. */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra =
    yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** Days since 1970-01-01 → 'YYYY-MM-DD'. */
function formatDay(daysSinceEpoch: number): string {
  const z = daysSinceEpoch + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra -
      Math.floor(dayOfEra / 1460) +
      Math.floor(dayOfEra / 36524) -
      Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear =
    dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const yearText = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  return `${yearText}-${pad(month, 2)}-${pad(day, 2)}`;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
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
function digitsAt(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i += 1) {
    const code = text.charCodeAt(i);
    if (!isDigit(code)) return -1;
    value = value * 10 + (code - ZERO);
  }
  return value;
}
