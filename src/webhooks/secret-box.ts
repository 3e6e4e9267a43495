// Webhook secrets at rest: AES-256-GCM under a key derived from WEBHOOK_SECRET_KEY (SHA-256 of
// it), a fresh 12-byte nonce per seal, the endpoint id as associated data (a sealed secret moved
// to another endpoint's row does not open). Stored as version byte 1 ‖ nonce ‖ ciphertext ‖
// 16-byte tag. A database dump alone gives no secret away; the key lives only in the config.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

export interface SecretBox {
  seal(endpointId: string, secret: string): Uint8Array;
  /** throws when the sealed bytes were not sealed for this endpoint under this key */
  open(endpointId: string, sealed: Uint8Array): string;
}

export function createSecretBox(keyText: string): SecretBox {
  const key = createHash('sha256').update(keyText, 'utf8').digest();
  return {
    seal(endpointId, secret) {
      const nonce = randomBytes(NONCE_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, nonce);
      cipher.setAAD(Buffer.from(endpointId, 'utf8'));
      const body = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()]);
      return new Uint8Array(Buffer.concat([Buffer.from([VERSION]), nonce, body, cipher.getAuthTag()]));
    },
    open(endpointId, sealed) {
      const bytes = Buffer.from(sealed);
      if (bytes.length < 1 + NONCE_BYTES + TAG_BYTES || bytes[0] !== VERSION) throw new Error('not a sealed webhook secret');
      const nonce = bytes.subarray(1, 1 + NONCE_BYTES);
      const tag = bytes.subarray(bytes.length - TAG_BYTES);
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(Buffer.from(endpointId, 'utf8'));
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(bytes.subarray(1 + NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]).toString('utf8');
    },
  };
}
