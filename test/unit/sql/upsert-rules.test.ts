// The inline upsert (unnest arrays) and the worker's upsert (COPY staging) must apply the same
// conflict rules (CONTRACT §4.4). PostgreSQL cannot share a clause between two statements, so the
// clause is written twice; this keeps the two copies identical.
import { expect, test } from 'bun:test';
import { statement } from '../../../src/db/sql-files.ts';

const conflictClause = (text: string) => text.slice(text.indexOf('ON CONFLICT'), text.indexOf('RETURNING'));

test('inline and staged upserts share one conflict clause, character for character', () => {
  const inline = conflictClause(statement('ingest/upsert_samples'));
  const staged = conflictClause(statement('queue/upsert_staged_samples'));
  expect(inline.length).toBeGreaterThan(500);
  expect(staged).toBe(inline);
});
