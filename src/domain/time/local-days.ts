// Calendar days as plain numbers (days since 1970-01-01) and the one local-date rule of the
// service: the local date of an instant is the calendar date of (instant + offset), in the
// proleptic Gregorian calendar. The stored local_date (timestamps.ts localDateOf), the dates an
// outbox event names (affectedLocalDates) and the summary cells (daily-summary.ts) all go
// through formatLocalDay(localDayOf(…)), so they agree for every instant.
//
// Integer arithmetic (H. Hinnant's days_from_civil / civil_from_days), not Date: Date.UTC maps
// years 0..99 to 1900..1999, and toISOString writes years past 9999 as "+010000".

import { DAY, MINUTE } from './durations.ts';

const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → day number, or undefined when the text is not such a date or names none (02-30). */
export function parseLocalDay(text: string): number | undefined {
  const match = DATE_PATTERN.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return daysFromCivil(year, month, day);
}

// The day formatted last: a batch's samples fall on a handful of days, one after another, so
// most calls repeat the previous one (normalization formats every sample's local date).
let lastDay = Number.NaN;
let lastText = '';

/** Day number → `YYYY-MM-DD` (four-digit years; longer ones as they are, negative ones with '-'). */
export function formatLocalDay(daysSinceEpoch: number): string {
  if (daysSinceEpoch === lastDay) return lastText;
  lastText = formatDay(daysSinceEpoch);
  lastDay = daysSinceEpoch;
  return lastText;
}

function formatDay(daysSinceEpoch: number): string {
  const z = daysSinceEpoch + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const monthFromMarch = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * monthFromMarch + 2) / 5) + 1;
  const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
  const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
  const yearText = year < 0 ? `-${pad(-year, 4)}` : pad(year, 4);
  return `${yearText}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** The local day of an instant at a fixed offset (minutes east of UTC). */
export function localDayOf(epochMs: number, offsetMinutes: number): number {
  return Math.floor((epochMs + offsetMinutes * MINUTE) / DAY);
}

/** The instant a local day starts (local midnight) at a fixed offset. */
export function localMidnight(day: number, offsetMinutes: number): number {
  return day * DAY - offsetMinutes * MINUTE;
}

/** Days since 1970-01-01 of a civil date (proleptic Gregorian; month 1..12). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const monthFromMarch = month > 2 ? month - 3 : month + 9;
  const dayOfYear = Math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}
