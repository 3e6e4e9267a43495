// The payload hash of CONTRACT §4.2: lowercase hex SHA-256 of the UTF-8 bytes of
// JCS({"deleted": D, "samples": S}), where S and D are the arrays as sent with their elements
// sorted by the UTF-8 bytes of each element's own JCS text. It ignores element order and key
// order and covers every field sent, unknown ones included, so it must be computed on the body
// as parsed, before any schema strips or coerces anything.
//
// Sorting by UTF-8 bytes is sorting by code points. JavaScript's string order (UTF-16 code
// units) agrees with it except where a surrogate (part of an astral character) meets a unit in
// U+E000..U+FFFF. So the texts are sorted by code units, and only when the result is not pure
// ASCII are neighbours re-checked in code-point order (and re-sorted if one pair disagrees).
//
// Cost (bench/payload-hash.ts): SHA-256 of the ~200 KB canonical text of a 500-sample body and
// JSON.stringify of its elements are each about one JSON.parse of the body, so the hash cannot
// cost less than ~2 parses; the rest (key-order walk, sorted copies, sort) is kept below that.

import { canonicalJson, KeyOrders } from './canonical-json.ts';

export function computePayloadHash(
  samples: readonly unknown[],
  deleted: readonly unknown[] | undefined,
): string {
  const keyOrders = new KeyOrders();
  const sampleTexts = joinedSortedCanonicalTexts(samples, keyOrders);
  const deletedTexts = joinedSortedCanonicalTexts(deleted ?? [], keyOrders);
  // JCS of the wrapper: its two keys are already in order and the element texts are canonical.
  const text = `{"deleted":[${deletedTexts}],"samples":[${sampleTexts}]}`;
  return new Bun.CryptoHasher('sha256').update(text).digest('hex');
}

/** Each element's JCS text, sorted ascending by UTF-8 bytes, joined with commas. */
function joinedSortedCanonicalTexts(items: readonly unknown[], keyOrders: KeyOrders): string {
  const texts = new Array<string>(items.length);
  for (let i = 0; i < items.length; i += 1) texts[i] = canonicalJson(items[i], keyOrders);
  // Without a comparator, sort orders strings by code units in native code (faster than any
  // JavaScript comparator here).
  texts.sort();
  const joined = texts.join(',');
  // Byte length equals string length only for ASCII, which has no surrogates: done.
  if (Buffer.byteLength(joined, 'utf8') === joined.length || inCodePointOrder(texts)) return joined;
  return texts.sort(compareByCodePoints).join(',');
}

function inCodePointOrder(texts: readonly string[]): boolean {
  for (let i = 1; i < texts.length; i += 1) {
    if (compareByCodePoints(texts[i - 1] as string, texts[i] as string) > 0) return false;
  }
  return true;
}

/** Code-point (hence UTF-8 byte) order of well-formed UTF-16 strings. */
export function compareByCodePoints(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) return codePointRank(x) - codePointRank(y);
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Moves surrogates (U+D800..U+DFFF, always half of a code point ≥ U+10000 in JSON.stringify
 * output) above U+E000..U+FFFF. Only called at the first differing unit of two strings with
 * equal prefixes, so both units sit at the same position within their code points.
 */
function codePointRank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}
