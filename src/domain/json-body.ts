// A request body's text → its JSON value, refusing text that is not JSON (MALFORMED_JSON) or a
// number JSON allows but a double cannot hold (1e309: VALIDATION_FAILED naming where it is).
import { findNonFiniteNumbers } from './finite-numbers.ts';
import { ProblemError } from './problems.ts';

export function parseJsonBody(text: string): unknown {
  const value = parseJsonText(text);
  refuseNonFiniteNumbers(value, text);
  return value;
}

/** JSON.parse, refusing text that is not JSON (MALFORMED_JSON); numbers are not checked. */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new ProblemError('MALFORMED_JSON', text.length === 0 ? 'the request body is empty' : 'the request body is not valid JSON');
  }
}

/** Throws VALIDATION_FAILED naming each number of the parsed `text` that no double can hold. */
export function refuseNonFiniteNumbers(value: unknown, text: string): void {
  const errors = findNonFiniteNumbers(value, text);
  if (errors.length > 0) throw new ProblemError('VALIDATION_FAILED', 'the body holds numbers no double can hold', { errors });
}
