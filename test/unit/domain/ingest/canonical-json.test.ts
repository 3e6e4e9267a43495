import { describe, expect, test } from 'bun:test';
import { canonicalJson, KeyOrders } from '../../../../src/domain/ingest/canonical-json.ts';

describe('canonicalJson (RFC 8785)', () => {
  test.each([
    ['sorted keys', '{"b":1,"a":2,"c":{"z":1,"y":[{"q":1,"p":2}]}}', '{"a":2,"b":1,"c":{"y":[{"p":2,"q":1}],"z":1}}'],
    ['already canonical', '{"a":1,"b":[1,2,{"c":null}]}', '{"a":1,"b":[1,2,{"c":null}]}'],
    ['whitespace removed', ' { "a" : [ 1 , true , false , null ] } ', '{"a":[1,true,false,null]}'],
    ['keys sort by UTF-16 code units', '{"\\u00e9":1,"z":2,"\\ud83d\\ude00":3,"\\ufb01":4,"A":5}', '{"A":5,"z":2,"é":1,"😀":3,"ﬁ":4}'],
    ['array-index keys sort as strings', '{"10":1,"9":2,"b":3,"1":4}', '{"1":4,"10":1,"9":2,"b":3}'],
    ['keys before digits stay first', '{"1":1,"!":2}', '{"!":2,"1":1}'],
    ['__proto__ is a plain member', '{"b":1,"__proto__":{"x":1}}', '{"__proto__":{"x":1},"b":1}'],
    ['empty containers', '{"b":{},"a":[]}', '{"a":[],"b":{}}'],
    ['nested unsorted inside sorted', '{"a":{"d":1,"c":2}}', '{"a":{"c":2,"d":1}}'],
  ])('%s', (_, input, expected) => {
    expect(canonicalJson(JSON.parse(input))).toBe(expected);
  });

  test.each([
    ['1e21', '1e+21'],
    ['1E+30', '1e+30'],
    ['1e-7', '1e-7'],
    ['0.000001', '0.000001'],
    ['0.1', '0.1'],
    ['-0', '0'],
    ['-0.0', '0'],
    ['333333333.33333329', '333333333.3333333'],
    ['1.0', '1'],
    ['100', '100'],
    ['4.50', '4.5'],
    ['2e-3', '0.002'],
    ['123456789012345678901234', '1.2345678901234569e+23'],
    ['9007199254740993', '9007199254740992'],
    ['5e-324', '5e-324'],
    ['1.7976931348623157e308', '1.7976931348623157e+308'],
  ])('number %s → %s', (text, expected) => {
    expect(canonicalJson(JSON.parse(`[${text}]`))).toBe(`[${expected}]`);
  });

  test.each([
    ['control characters', '"\\u0000\\u0001\\b\\t\\n\\f\\r\\u001f"', '"\\u0000\\u0001\\b\\t\\n\\f\\r\\u001f"'],
    ['quote and backslash', '"\\"\\\\"', '"\\"\\\\"'],
    ['solidus and DEL are not escaped', '"\\/\\u007f"', '"/\u007f"'],
    ['non-ASCII as is', '"\\u20ac\\ud83d\\ude00"', '"€😀"'],
    ['lone surrogate stays escaped', '"\\udc00"', '"\\udc00"'],
  ])('string with %s', (_, input, expected) => {
    expect(canonicalJson(JSON.parse(input))).toBe(expected);
  });

  test.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['undefined member', { a: undefined }],
    ['function', () => 1],
    ['bigint', 1n],
  ])('refuses %s', (_, value) => {
    expect(() => canonicalJson(value)).toThrow(TypeError);
  });

  test('a shared KeyOrders gives the same texts as fresh ones', () => {
    const keyOrders = new KeyOrders();
    const values = [{ b: 1, a: 2 }, { a: 1, b: 2 }, { b: { d: 1, c: 2 }, a: 0 }, { b: 3, a: 4 }];
    for (const value of values) expect(canonicalJson(value, keyOrders)).toBe(canonicalJson(value));
  });

  test('does not modify its input', () => {
    const value = JSON.parse('{"b":{"d":1,"c":2},"a":[{"z":1,"y":2}]}');
    canonicalJson(value);
    expect(JSON.stringify(value)).toBe('{"b":{"d":1,"c":2},"a":[{"z":1,"y":2}]}');
  });
});
