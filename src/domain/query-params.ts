// The one reader of query strings. Each route's query is parsed by one pure function built on it
// (daily-summary-query.ts, sample-query.ts, dead-letter-query.ts), which gathers every problem
// with its path (/query/<name>) so the answer is a single 400 VALIDATION_FAILED that names all.
import type { FieldError } from './problems.ts';

/** Items per page when a query gives no limit, and the most it may ask for. */
export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export type QueryResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

export class QueryReader<Name extends string> {
  readonly errors: FieldError[] = [];

  constructor(private readonly query: Partial<Record<Name, string>>) {}

  /** The raw value, undefined when absent. */
  text(name: Name): string | undefined {
    return this.query[name];
  }

  fail(name: Name, message: string): void {
    this.errors.push({ path: `/query/${name}`, message });
  }

  /** A non-negative integer written with digits only (at most 15: exact in a double); `fallback` when absent. */
  count<F>(name: Name, fallback: F, message = 'must be a non-negative integer'): number | F {
    const text = this.query[name];
    if (text === undefined) return fallback;
    if (/^\d{1,15}$/.test(text)) return Number(text);
    this.fail(name, message);
    return fallback;
  }

  /** `limit`: 1..MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE when absent. */
  pageSize(name: Name): number {
    const message = `must be an integer from 1 to ${MAX_PAGE_SIZE}`;
    const size = this.count(name, DEFAULT_PAGE_SIZE, message);
    if (size >= 1 && size <= MAX_PAGE_SIZE) return size;
    if (this.errors.at(-1)?.path !== `/query/${name}`) this.fail(name, message);
    return DEFAULT_PAGE_SIZE;
  }

  /** `value()` when every read succeeded, else the problems. */
  result<T>(value: () => T): QueryResult<T> {
    return this.errors.length > 0 ? { ok: false, errors: this.errors } : { ok: true, value: value() };
  }
}
