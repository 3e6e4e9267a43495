// PostgreSQL array literals ('{"a","b",NULL}') built in one pass, for the unnest parameters of
// the inline upsert. postgres.js sends a string parameter as it is, even for an array type; left
// to itself it maps every element through its serializer and two regex replaces, and for
// timestamptz[] re-parses each ISO string into a Date (createDb's serializer) to print it again:
// that was the largest non-database cost of an inline request (bench/profile-inline.ts).
// Elements are quoted, so commas, braces, spaces and the word NULL stay data; inside the quotes
// only backslash and double quote need escaping (array_in), and most values have neither.
// A column with no null and nothing to escape (nearly every column of every batch) is one
// native join: ~40 % less CPU than appending element by element.

const NEEDS_ESCAPE = /[\\"]/g;

function quoted(value: string): string {
  return value.indexOf('"') === -1 && value.indexOf('\\') === -1 ? `"${value}"` : `"${value.replace(NEEDS_ESCAPE, '\\$&')}"`;
}

/** text[] (or any type read from text) literal; null elements are NULL. */
export function textArray(values: readonly (string | null)[]): string {
  if (values.every(isPlainText)) return values.length === 0 ? '{}' : `{"${values.join('","')}"}`;
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    out += (i === 0 ? '' : ',') + (value === null ? 'NULL' : quoted(value));
  }
  return out + '}';
}

const isPlainText = (value: string | null): value is string =>
  value !== null && value.indexOf('"') === -1 && value.indexOf('\\') === -1;

/** float8[] / int2[] / int8[] literal of finite numbers (String(x) is what float8in reads back exactly). */
export function numberArray(values: readonly (number | null)[]): string {
  // join writes a number as String(x) does
  if (!values.includes(null)) return `{${values.join(',')}}`;
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    out += (i === 0 ? '' : ',') + (value === null ? 'NULL' : String(value));
  }
  return out + '}';
}

/** timestamptz[] literal of epoch milliseconds, as ISO 8601 UTC (quoted: a year beyond 9999 prints a sign). */
export function timestamptzArray(epochMs: readonly number[]): string {
  return epochMs.length === 0 ? '{}' : `{"${epochMs.map(isoUtc).join('","')}"}`;
}

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const MILLIS = Array.from({ length: 1000 }, (_, n) => `.${String(n).padStart(3, '0')}`);
// The date part formatted last: a batch's instants fall on a handful of days, one after another.
let lastDay = Number.NaN;
let lastDayText = '';

/**
 * Epoch ms → 'YYYY-MM-DDTHH:MM:SS[.mmm]Z', what toISOString writes (without a '.000'), at a fifth
 * of its cost: the date part is toISOString's, once per day; the time of day from tables.
 */
export function isoUtc(epochMs: number): string {
  if (!Number.isInteger(epochMs)) return new Date(epochMs).toISOString();
  const day = Math.floor(epochMs / DAY_MS);
  if (day !== lastDay) {
    const text = new Date(day * DAY_MS).toISOString();
    lastDayText = text.slice(0, text.indexOf('T') + 1);
    lastDay = day;
  }
  let rest = epochMs - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  rest -= seconds * 1000;
  const time = `${lastDayText}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}`;
  return rest === 0 ? `${time}Z` : `${time}${MILLIS[rest]}Z`;
}
