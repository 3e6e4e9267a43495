// The published payload-hash test vectors (src/client/payload-hash-vectors.json), read as JSON
// text by JSON.parse (so "__proto__" keys stay own members), for the service's tests and the SDK's.
import { readFileSync } from 'node:fs';

export interface HashVector {
  name: string;
  about: string;
  samples: unknown[];
  deleted?: unknown[];
  canonical: string;
  payloadHash: string;
}

export const HASH_VECTORS_PATH = new URL('../../src/client/payload-hash-vectors.json', import.meta.url).pathname;

export function hashVectors(): HashVector[] {
  return (JSON.parse(readFileSync(HASH_VECTORS_PATH, 'utf8')) as { vectors: HashVector[] }).vectors;
}
