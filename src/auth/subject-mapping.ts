// A provider's subject → the service's user id (a UUID, CONTRACT §2). Cognito, Supabase and
// Keycloak use UUIDs as subjects ('uuid': taken as they are, lower-cased). Auth0 ("auth0|64b…")
// and Firebase (28-character uids) do not ('derived', JWT_SUBJECTS=derived): every subject is
// mapped to the RFC 9562 version-5 UUID of "<iss> <sub>" under a fixed namespace, so the same
// person always gets the same id, two providers' equal subjects never collide, and the mapping
// needs no table. 'derived' maps UUID subjects too: switching a deployment between the two
// modes changes every user's id.
import { createHash } from 'node:crypto';
import type { JWTPayload } from 'jose';
import { isUuid } from './user-tokens.ts';

/** The namespace of derived user ids (a random UUID, fixed forever). */
export const SUBJECT_NAMESPACE = '7d1c5e2a-3b9f-4c61-8a0e-5f4d2b1c9e73';

export function uuidV5(namespace: string, name: string): string {
  const hash = createHash('sha1').update(Buffer.from(namespace.replaceAll('-', ''), 'hex')).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The user id of a verified token's claims, or null when its subject cannot be one. */
export function subjectUserId(payload: JWTPayload, subjects: 'uuid' | 'derived'): string | null {
  const sub = payload.sub;
  if (typeof sub !== 'string' || sub.length === 0) return null;
  if (subjects === 'uuid') return isUuid(sub) ? sub.toLowerCase() : null;
  return uuidV5(SUBJECT_NAMESPACE, `${payload.iss ?? ''} ${sub}`);
}
