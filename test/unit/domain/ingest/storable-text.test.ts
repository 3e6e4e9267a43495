import { describe, expect, test } from 'bun:test';
import { findUnstorableStrings } from '../../../../src/domain/ingest/storable-text.ts';

const check = (value: unknown) => findUnstorableStrings(value, JSON.stringify(value));

describe('findUnstorableStrings', () => {
  test.each([
    ['a NUL in a value', { a: 'x\u0000y' }, ['/a']],
    ['an unpaired high surrogate', { a: ['ok', 'x\ud800'] }, ['/a/1']],
    ['an unpaired low surrogate', { a: { b: '\udc00' } }, ['/a/b']],
    ['a NUL in a key', { 'k\u0000': 1 }, ['/k\u0000']],
    ['a key with / and ~ is escaped as a JSON pointer', { 'a/b~': 'x\u0000' }, ['/a~1b~0']],
  ])('reports %s', (_, value, paths) => {
    expect(check(value).map((error) => error.path)).toEqual(paths);
  });

  test.each([
    ['plain ASCII', { a: 'hello', b: [1, 2, { c: 'd' }] }],
    ['a paired surrogate (emoji)', { a: '\ud83d\ude00' }],
    ['escaped quotes and newlines', { a: 'line\nbreak "quoted"' }],
    ['private-use characters', { a: '\ue000\uffff' }],
  ])('accepts %s', (_, value) => {
    expect(check(value)).toEqual([]);
  });

  test('skips the walk when the raw text has no \\u escape at all', () => {
    // the parsed value would be refused, but raw text without \u cannot have produced it
    expect(findUnstorableStrings({ a: 'x\u0000' }, '{"a":"plain"}')).toEqual([]);
  });

  test('reports at most 50 strings', () => {
    const value = Array.from({ length: 80 }, () => 'x\u0000');
    expect(check(value)).toHaveLength(50);
  });
});
