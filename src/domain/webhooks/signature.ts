// Standard Webhooks signing (CONTRACT §11): the signed content is "{webhook-id}.{webhook-timestamp}.{body}",
// the signature base64 of its HMAC-SHA256 under the secret's bytes, sent as "v1,<signature>";
// several signatures (a rotation's overlap: the new secret and the previous one) are separated
// by spaces. A secret is "whsec_" + base64 of its random bytes; the bytes are the HMAC key.
// Pure: randomness comes in as bytes, the timestamp as an argument.

export const SECRET_PREFIX = 'whsec_';
/** random bytes per secret (Standard Webhooks asks for 24 to 64) */
export const SECRET_BYTES = 32;

/** The text form of a secret made of `randomBytes` (≥ 24 of them). */
export function formatSecret(randomBytes: Uint8Array): string {
  if (randomBytes.byteLength < 24 || randomBytes.byteLength > 64) throw new Error('a webhook secret has 24 to 64 bytes');
  return SECRET_PREFIX + Buffer.from(randomBytes).toString('base64');
}

/** The HMAC key of a secret's text form; null when it is not one. */
export function secretKey(secret: string): Uint8Array | null {
  if (!secret.startsWith(SECRET_PREFIX)) return null;
  const base64 = secret.slice(SECRET_PREFIX.length);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) return null;
  const bytes = Buffer.from(base64, 'base64');
  return bytes.byteLength >= 24 && bytes.byteLength <= 64 ? new Uint8Array(bytes) : null;
}

/** base64 HMAC-SHA256 of "{id}.{timestamp}.{body}" under `key`. */
export function signature(key: Uint8Array, messageId: string, timestampSeconds: number, body: string): string {
  return new Bun.CryptoHasher('sha256', key).update(`${messageId}.${timestampSeconds}.${body}`).digest('base64');
}

/** The webhook-signature header: one "v1,<signature>" per key (current first), space-separated. */
export function signatureHeader(keys: readonly Uint8Array[], messageId: string, timestampSeconds: number, body: string): string {
  return keys.map((key) => `v1,${signature(key, messageId, timestampSeconds, body)}`).join(' ');
}
