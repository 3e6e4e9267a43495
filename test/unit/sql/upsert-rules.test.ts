// The inline upsert (unnest arrays) and the worker's upsert (COPY staging) must apply the same
// conflict rules and the same tombstone rule (CONTRACT §4.4). Both include one fragment
// (ingest/_sample_write_rules); this holds the statements as loaded to it.
import { expect, test } from 'bun:test';
import { statement } from '../../../src/db/sql-files.ts';

const between = (text: string, from: string, to: string) => text.slice(text.indexOf(from), text.indexOf(to));
const conflictClause = (text: string) => between(text, 'ON CONFLICT', 'RETURNING');
const tombstoneRule = (text: string) => between(text, 'WHERE NOT g.tombstoned', 'ON CONFLICT');

const inline = statement('ingest/upsert_samples');
const staged = statement('ingest/upsert_staged_samples');

test('inline and staged upserts share one conflict clause, character for character', () => {
  expect(conflictClause(inline).length).toBeGreaterThan(500);
  expect(conflictClause(staged)).toBe(conflictClause(inline));
});

test('inline and staged upserts share one tombstone rule, character for character', () => {
  expect(tombstoneRule(inline)).toContain('health_sample_tombstones');
  expect(tombstoneRule(staged)).toBe(tombstoneRule(inline));
});
