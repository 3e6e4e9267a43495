// The replay fast path's two cheap looks at a raw upload body (CONTRACT §4.4 replays): a digest
// of its exact bytes, and where its requestId probably is. A body byte-identical to one whose
// request completed was already validated and hashed when it was first processed, so its stored
// reply can be returned without parsing it again.

/** Lowercase hex SHA-256 of the body text's UTF-8 bytes. */
export function bodyDigest(text: string): string {
  return new Bun.CryptoHasher('sha256').update(text).digest('hex');
}

const REQUEST_ID = /"requestId"\s*:\s*"([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"/;

/**
 * The first `"requestId": "<uuid>"` in the text, lower-cased, or null. Only a guess (a sample
 * could carry an extra field of that name first): it is trusted only together with a digest match.
 */
export function requestIdCandidate(text: string): string | null {
  const match = REQUEST_ID.exec(text);
  return match ? match[1]!.toLowerCase() : null;
}
