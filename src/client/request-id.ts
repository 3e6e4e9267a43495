// A batch's requestId is derived from its content (CONTRACT §12): re-running an upload after a
// crash sends the same batches under the same ids, and the service replays what it already
// stored (§4.4) instead of writing again. The id is a UUID version 8 (RFC 9562: custom bits)
// made of the first 122 bits of SHA-256 over a domain tag, the caller's idempotency key and the
// batch's payload hash. The key lets a caller send identical content again on purpose (a new
// key, a new id); without one, identical content within the service's idempotency retention
// (7 days by default) is answered from the first upload's stored result.
import { hex, sha256 } from './payload-hash.ts';

const DOMAIN_TAG = 'health-ingest/request-id/v1';

export async function deriveRequestId(payloadHash: string, idempotencyKey = ''): Promise<string> {
  const digest = await sha256(`${DOMAIN_TAG}\n${idempotencyKey}\n${payloadHash.toLowerCase()}`);
  const bytes = digest.slice(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8]! & 0x3f) | 0x80; // variant 10
  return formatUuid(bytes);
}

/** 16 bytes as a lowercase 8-4-4-4-12 UUID text. */
export function formatUuid(bytes: Uint8Array): string {
  const text = hex(bytes);
  return `${text.slice(0, 8)}-${text.slice(8, 12)}-${text.slice(12, 16)}-${text.slice(16, 20)}-${text.slice(20, 32)}`;
}
