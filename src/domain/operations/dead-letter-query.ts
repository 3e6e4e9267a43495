// GET /admin/outbox/dead query string (afterId, limit) → a checked page request, or every problem.
import { QueryReader, type QueryResult } from '../query-params.ts';

export interface DeadLetterQuery {
  /** the last id of the previous page; 0 for the first */
  afterId: number;
  limit: number;
}

export function parseDeadLetterQuery(query: Partial<Record<'afterId' | 'limit', string>>): QueryResult<DeadLetterQuery> {
  const read = new QueryReader(query);
  const afterId = read.count('afterId', 0);
  const limit = read.pageSize('limit');
  return read.result(() => ({ afterId, limit }));
}
