// PostgreSQL text and jsonb cannot hold U+0000, and a lone UTF-16 surrogate turns into U+FFFD on
// the way in (so two different keys could collide in one statement). JSON can carry both, so
// uploads are checked for them and refused with the path of each offending string.
import type { FieldError } from '../problems.ts';
import { MAX_REPORTED_ERRORS } from '../validation.ts';

const unstorable = (text: string) => text.includes('\u0000') || !text.isWellFormed();

/**
 * Paths of strings (values or keys) under `value` that cannot be stored. `rawText` is the body
 * as received: both defects can only arrive as \u escapes, so a body without any is skipped fast.
 */
export function findUnstorableStrings(value: unknown, rawText: string, root = ''): FieldError[] {
  if (!rawText.includes('\\u')) return [];
  const errors: FieldError[] = [];
  const visit = (node: unknown, path: string): void => {
    if (errors.length >= MAX_REPORTED_ERRORS) return;
    if (typeof node === 'string') {
      if (unstorable(node)) errors.push({ path, message: 'must not contain NUL characters or unpaired surrogates' });
    } else if (Array.isArray(node)) {
      node.forEach((item, index) => visit(item, `${path}/${index}`));
    } else if (node !== null && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        const childPath = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
        if (unstorable(key)) errors.push({ path: childPath, message: 'key must not contain NUL characters or unpaired surrogates' });
        visit(child, childPath);
      }
    }
  };
  visit(value, root);
  return errors;
}
