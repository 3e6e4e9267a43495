// The SQL loader: `-- @include` lines are replaced by their fragment (its header left out) at
// load, fragments may include fragments, and a cycle or a missing file fails start-up by name.
import { afterAll, expect, test } from 'bun:test';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { statement } from '../../../src/db/sql-files.ts';

const dir = mkdtempSync(join(tmpdir(), 'hi-sql-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
function file(name: string, text: string) {
  mkdirSync(join(dir, name, '..'), { recursive: true });
  writeFileSync(join(dir, `${name}.sql`), text);
}

file('room/_lock', '-- Fragment: the lock.\n-- (two header lines)\nWITH user_lock AS (\n  SELECT 1\n)\n');
file('room/_rule', '-- Fragment: a rule that includes another.\nWHERE true\n-- @include room/_lock\n');
file('room/locked_select', '-- Selects under the lock.\n-- @include room/_lock\nSELECT 1 FROM user_lock\n');
file('room/nested', '-- @include room/_rule\nSELECT 2\n');
file('room/_a', '-- @include room/_b\n');
file('room/_b', '-- @include room/_a\n');
file('room/cyclic', '-- @include room/_a\n');
file('room/broken', 'SELECT 1\n  -- @include room/_missing\n');

test('an @include line becomes the fragment, without its header', () => {
  expect(statement('room/locked_select', dir)).toBe('-- Selects under the lock.\nWITH user_lock AS (\n  SELECT 1\n)\nSELECT 1 FROM user_lock\n');
});

test('fragments may include fragments', () => {
  expect(statement('room/nested', dir)).toBe('WHERE true\nWITH user_lock AS (\n  SELECT 1\n)\nSELECT 2\n');
});

test('a cycle of includes and a missing fragment are refused, naming the files', () => {
  expect(() => statement('room/cyclic', dir)).toThrow('circular @include: room/cyclic → room/_a → room/_b → room/_a');
  expect(() => statement('room/broken', dir)).toThrow('missing SQL file sql/queries/room/_missing.sql (included by room/broken)');
  expect(() => statement('room/absent', dir)).toThrow('missing SQL file sql/queries/room/absent.sql');
});
