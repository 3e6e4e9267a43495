// Calendar days as plain numbers (days since 1970-01-01), for the daily summaries: parsing the
// YYYY-MM-DD of a query, and where an instant's local day starts and ends at a fixed UTC offset.
// Pure: Date is used as a calendar here, never as a clock.

export const MS_PER_DAY = 86_400_000;
const MS_PER_MINUTE = 60_000;
const DATE_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` → day number, or undefined when the text is not such a date or names none (02-30). */
export function parseLocalDay(text: string): number | undefined {
  const match = DATE_PATTERN.exec(text);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  // setUTCFullYear, unlike Date.UTC, keeps years 0..99 as written; impossible dates roll over
  // (02-30 → 03-02), which the comparison below catches
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return date.getTime() / MS_PER_DAY;
}

/** Day number → `YYYY-MM-DD` (years 0000..9999). */
export function formatLocalDay(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** The local day of an instant at a fixed offset (minutes east of UTC). */
export function localDayOf(epochMs: number, offsetMinutes: number): number {
  return Math.floor((epochMs + offsetMinutes * MS_PER_MINUTE) / MS_PER_DAY);
}

/** The instant a local day starts (local midnight) at a fixed offset. */
export function localMidnight(day: number, offsetMinutes: number): number {
  return day * MS_PER_DAY - offsetMinutes * MS_PER_MINUTE;
}
