import { expect, test } from 'bun:test';
import { findNonFiniteNumbers } from '../../../src/domain/finite-numbers.ts';

const find = (text: string) => findNonFiniteNumbers(JSON.parse(text), text).map((error) => error.path);

test.each([
  ['an exponent past a double', '{"samples":[{"value":1e309}]}', ['/samples/0/value']],
  ['a negative one', '{"samples":[{"metadata":{"x":-1e309}}]}', ['/samples/0/metadata/x']],
  ['in an unknown field and a delete ref', '{"extra":[1, 2E+400 ],"deleted":[{"sourceRecordId":"r","n":1.5e999}]}', ['/extra/1', '/deleted/0/n']],
  ['a 2 followed by 308 zeros', `{"a":2${'0'.repeat(308)}}`, ['/a']],
  ['a 308-digit mantissa with a one-digit exponent', `{"a":[2${'0'.repeat(307)}e1]}`, ['/a/0']],
  ['a key that needs escaping in a pointer', '{"a/b~c":1e400}', ['/a~1b~0c']],
])('%s is found, with its path', (_, text, paths) => {
  expect(find(text)).toEqual(paths);
});

test.each([
  ['the largest double', '{"a":1.7976931348623157e308}'],
  ['an underflow (it is 0, which a hash can hold)', '{"a":1e-400}'],
  ['digits and exponents inside strings', '{"a":"1e400","b":"E123","c":"' + '9'.repeat(400) + '"}'],
  ['ordinary numbers', '{"samples":[{"value":72,"x":-0.5,"y":1e5}]}'],
])('%s is fine', (_, text) => {
  expect(find(text)).toEqual([]);
});

test('a body nested far deeper than the call stack is walked without overflowing', () => {
  const depth = 200_000;
  const text = `{"a":${'['.repeat(depth)}1e999${']'.repeat(depth)}}`;
  expect(find(text)).toEqual([`/a${'/0'.repeat(depth)}`]);
});

test('at most 50 paths are reported', () => {
  const text = `[${Array(80).fill('1e400').join(',')}]`;
  expect(findNonFiniteNumbers(JSON.parse(text), text)).toHaveLength(50);
});
