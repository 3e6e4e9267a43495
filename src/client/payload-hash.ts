// The payload hash of CONTRACT §4.2 on WebCrypto, so the SDK runs wherever fetch and
// crypto.subtle do (Bun, Node ≥ 20, browsers, React Native with a WebCrypto polyfill). The
// server's own implementation is src/domain/ingest/payload-hash.ts (Bun's hasher); the published
// vectors in payload-hash-vectors.json hold both to the same answers.
//
// The hash covers the body as the server parses it. A caller's objects reach the wire through
// JSON.stringify (undefined members dropped, Dates as ISO strings, NaN as null), so each element
// is canonicalized from its JSON text, never from the object itself.
import { canonicalJson, KeyOrders } from '../domain/ingest/canonical-json.ts';

/** The JSON text an element has in a request body (JSON.stringify's array-member rule). */
export function elementText(value: unknown): string {
  return JSON.stringify(value) ?? 'null';
}

/**
 * Lowercase hex payload hash of `samples` and `deleted` as JSON.stringify would send them.
 * For a request built by hand: `{ requestId, payloadHash: await payloadHash(samples, deleted), samples, deleted }`.
 */
export async function payloadHash(samples: readonly unknown[], deleted: readonly unknown[] = []): Promise<string> {
  return sha256Hex(canonicalPayloadText(samples.map(elementText), deleted.map(elementText)));
}

/** JCS({"deleted": D, "samples": S}) with S and D sorted by the UTF-8 bytes of each element's JCS text. */
export function canonicalPayloadText(sampleTexts: readonly string[], deletedTexts: readonly string[]): string {
  const keyOrders = new KeyOrders();
  // the wrapper's two keys are already in order, and the element texts are canonical
  return `{"deleted":[${sortedCanonical(deletedTexts, keyOrders)}],"samples":[${sortedCanonical(sampleTexts, keyOrders)}]}`;
}

function sortedCanonical(texts: readonly string[], keyOrders: KeyOrders): string {
  const canonical = texts.map((text) => canonicalJson(JSON.parse(text), keyOrders));
  // code-unit order (the native sort) equals UTF-8 byte order unless a surrogate is involved;
  // JSON.stringify writes surrogates only as halves of astral characters (lone ones as \u escapes)
  canonical.sort();
  const joined = canonical.join(',');
  if (!SURROGATE.test(joined)) return joined;
  return canonical.sort(compareByCodePoints).join(',');
}

const SURROGATE = /[\ud800-\udfff]/;

/** Code-point (hence UTF-8 byte) order of well-formed UTF-16 strings. */
export function compareByCodePoints(a: string, b: string): number {
  const shorter = Math.min(a.length, b.length);
  for (let i = 0; i < shorter; i += 1) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // at the first difference both units sit at the same position within their code points;
    // surrogates (astral characters) rank above U+E000..U+FFFF
    if (x >= 0xd800 && y >= 0xd800) return codePointRank(x) - codePointRank(y);
    return x - y;
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  return unit >= 0xe000 ? unit - 0x800 : unit + 0x2000;
}

const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));

export async function sha256(text: string): Promise<Uint8Array> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    throw new Error('health-ingest/client needs WebCrypto (globalThis.crypto.subtle); on React Native install a polyfill such as react-native-quick-crypto');
  }
  return new Uint8Array(await subtle.digest('SHA-256', new TextEncoder().encode(text)));
}

export async function sha256Hex(text: string): Promise<string> {
  return hex(await sha256(text));
}

export function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += HEX[byte];
  return out;
}

/** UTF-8 byte length of well-formed UTF-16 text (JSON.stringify output), without encoding it. */
export function utf8ByteLength(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) bytes += 1;
    else if (unit >= 0xd800 && unit <= 0xdbff) {
      bytes += 2; // a surrogate pair: 2 units, 4 bytes
      i += 1;
    } else bytes += 2;
  }
  return bytes;
}
