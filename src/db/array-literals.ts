// PostgreSQL array literals ('{"a","b",NULL}') built in one pass, for the unnest parameters of
// the inline upsert. postgres.js sends a string parameter as it is, even for an array type; left
// to itself it maps every element through its serializer and two regex replaces, and for
// timestamptz[] re-parses each ISO string into a Date (createDb's serializer) to print it again:
// that was the largest non-database cost of an inline request (bench/profile-inline.ts).
// Elements are quoted, so commas, braces, spaces and the word NULL stay data; inside the quotes
// only backslash and double quote need escaping (array_in), and most values have neither.

const NEEDS_ESCAPE = /[\\"]/g;

function quoted(value: string): string {
  return value.indexOf('"') === -1 && value.indexOf('\\') === -1 ? `"${value}"` : `"${value.replace(NEEDS_ESCAPE, '\\$&')}"`;
}

/** text[] (or any type read from text) literal; null elements are NULL. */
export function textArray(values: readonly (string | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    out += (i === 0 ? '' : ',') + (value === null ? 'NULL' : quoted(value));
  }
  return out + '}';
}

/** float8[] / int2[] / int8[] literal of finite numbers (String(x) is what float8in reads back exactly). */
export function numberArray(values: readonly (number | null)[]): string {
  let out = '{';
  for (let i = 0; i < values.length; i++) {
    const value = values[i]!;
    out += (i === 0 ? '' : ',') + (value === null ? 'NULL' : String(value));
  }
  return out + '}';
}

/** timestamptz[] literal of epoch milliseconds, as ISO 8601 UTC (quoted: a year beyond 9999 prints a sign). */
export function timestamptzArray(epochMs: readonly number[]): string {
  let out = '{';
  for (let i = 0; i < epochMs.length; i++) out += (i === 0 ? '"' : ',"') + new Date(epochMs[i]!).toISOString() + '"';
  return out + '}';
}
