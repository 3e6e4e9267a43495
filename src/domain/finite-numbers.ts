// JSON's grammar allows numbers a double cannot hold (1e309, a 400-digit integer); JSON.parse
// turns them into ±Infinity without a word. RFC 8785 has no form for them, so no payload hash
// can cover them, and PostgreSQL would refuse them: a body holding one is refused with the path
// of each (CONTRACT §4.1). An overflow (≥ 1.8e308) needs an exponent of three or more digits or,
// with an exponent of at most 99, at least 209 digits in a row, so a body with neither is
// skipped after one regular-expression scan.
import type { FieldError } from './problems.ts';

const MAX_REPORTED = 50;

// a JSON number (after ':', '[' or ',') whose exponent has three or more digits, or 209 digits in
// a row. The exponent comes first and the number before it is a lookbehind: written number-first,
// the scan tried a match at every ',' and ':' of the body and backtracked through each number,
// ~800 µs per 399-sample body (5 % of an inline request's CPU); this way it starts only at an
// 'e' followed by three digits, ~90 µs.
const OVERFLOWING_EXPONENT = /[eE][+-]?\d{3,}(?<=[:[,]\s*-?\d+(?:\.\d+)?[eE][+-]?\d{3,})(?=\s*[,\]}])/;
const LONG_DIGIT_RUN = /\d{209}/;
const mayOverflow = (text: string) => OVERFLOWING_EXPONENT.test(text) || LONG_DIGIT_RUN.test(text);

const pointer = (key: string) => key.replaceAll('~', '~0').replaceAll('/', '~1');

/**
 * Paths of the numbers under `value` that parsed to ±Infinity. `rawText` is the body as received.
 * Iterative, so a body nested deeper than the call stack is walked like any other.
 */
export function findNonFiniteNumbers(value: unknown, rawText: string): FieldError[] {
  return mayOverflow(rawText) ? nonFiniteNumbersIn(value) : [];
}

/** The same without looking at the text first: for a small part of a body (its envelope members). */
export function nonFiniteNumbersIn(value: unknown): FieldError[] {
  const errors: FieldError[] = [];
  const pending: [unknown, string][] = [[value, '']];
  while (pending.length > 0 && errors.length < MAX_REPORTED) {
    const [node, path] = pending.pop()!;
    if (typeof node === 'number') {
      if (!Number.isFinite(node)) errors.push({ path, message: 'number is too large for a double (and for any payload hash)' });
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) pending.push([node[i], `${path}/${i}`]);
    } else if (node !== null && typeof node === 'object') {
      const entries = Object.entries(node);
      for (let i = entries.length - 1; i >= 0; i--) pending.push([entries[i]![1], `${path}/${pointer(entries[i]![0])}`]);
    }
  }
  return errors;
}
