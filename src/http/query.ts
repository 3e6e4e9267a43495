// A parsed query string (domain/query-params.ts) → its value, or the one 400 naming every problem.
import { ProblemError } from '../domain/problems.ts';
import type { QueryResult } from '../domain/query-params.ts';

export function checkedQuery<T>(result: QueryResult<T>): T {
  if (!result.ok) throw new ProblemError('VALIDATION_FAILED', 'invalid query', { errors: result.errors });
  return result.value;
}
