// What every schema check of the domain shares: the result type, the bounded-text schema, the
// list of problems (one per path, at most MAX_REPORTED_ERRORS) and TypeBox's messages.
import { Type, type TSchema } from '@sinclair/typebox';
import type { ValueError } from '@sinclair/typebox/compiler';
import type { FieldError } from './problems.ts';

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Longer error lists help nobody and cost bytes: the client fixes the first ones and retries. */
export const MAX_REPORTED_ERRORS = 50;

/** A string of minLength..maxLength characters. */
export const Text = (minLength: number, maxLength: number) =>
  // NUL and unpaired surrogates are refused by storable-text.ts outside the samples (gated on the
  // raw body) and by sample-shape.ts in a sample's ids: far cheaper than a pattern on every string.
  Type.String({ minLength, maxLength, errorMessage: `Expected ${minLength}..${maxLength} characters` });

/** Validation issues, at most one per path and at most MAX_REPORTED_ERRORS in all. */
export class IssueList {
  private readonly byPath = new Map<string, string>();

  add(path: string, message: string): void {
    if (this.byPath.size < MAX_REPORTED_ERRORS && !this.byPath.has(path)) this.byPath.set(path, message);
  }

  addSchemaErrors(errors: Iterable<ValueError>): void {
    for (const error of errors) {
      if (this.byPath.size >= MAX_REPORTED_ERRORS) return;
      this.add(error.path, messageOf(error));
    }
  }

  isEmpty(): boolean {
    return this.byPath.size === 0;
  }

  list(): FieldError[] {
    return [...this.byPath].map(([path, message]) => ({ path, message }));
  }
}

/** The schema's own errorMessage where it has one, else TypeBox's. */
export function messageOf(error: ValueError): string {
  const custom = (error.schema as TSchema & { errorMessage?: unknown }).errorMessage;
  return typeof custom === 'string' ? custom : error.message;
}
