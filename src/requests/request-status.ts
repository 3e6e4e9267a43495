// GET /api/v1/health/ingest-requests/{requestId} (CONTRACT §4.7): a user's request, as the JSON
// text the route answers. The stored reply is spliced in as the bytes it was stored as (no parse
// and re-serialize of a reply that can be a large 207). Another user's id, or a malformed one,
// is absent exactly like one that does not exist.
import { isUuid } from '../auth/user-tokens.ts';
import type { Queryable } from '../db/client.ts';
import { getRequest } from './queries.ts';

export interface RequestStatusReader {
  /** the status body as JSON text, or null when the user has no such request */
  statusText(userId: string, requestId: string): Promise<string | null>;
}

export function requestStatusReader(db: Queryable): RequestStatusReader {
  return {
    async statusText(userId, requestId) {
      const stored = isUuid(requestId) ? await getRequest(db, userId, requestId) : null;
      if (!stored) return null;
      const result =
        stored.status === 'completed' && stored.responseBody !== null
          ? `,"result":{"statusCode":${stored.responseStatus},"body":${stored.responseBody}}`
          : '';
      const head = JSON.stringify({
        requestId: requestId.toLowerCase(),
        status: stored.status,
        createdAt: stored.createdAt.toISOString(),
        updatedAt: stored.updatedAt.toISOString(),
      });
      return head.slice(0, -1) + result + '}';
    },
  };
}
