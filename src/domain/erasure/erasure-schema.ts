// The wire shapes of an erasure (CONTRACT §10), TypeBox: the user's view and the operator's.
import { Type, type Static } from '@sinclair/typebox';

const Counts = Type.Object(
  {
    samples: Type.Integer({ minimum: 0, description: 'samples deleted, live and soft-deleted' }),
    summaries: Type.Integer({ minimum: 0 }),
    requests: Type.Integer({ minimum: 0, description: 'idempotency records of uploads' }),
    imports: Type.Integer({ minimum: 0 }),
  },
  { description: 'rows deleted so far' },
);

export const ErasureBody = Type.Object({
  erasureId: Type.String({ format: 'uuid' }),
  status: Type.Union([Type.Literal('running'), Type.Literal('completed')]),
  startedAt: Type.String({ format: 'date-time' }),
  finishedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  deleted: Counts,
});
export type ErasureBodyT = Static<typeof ErasureBody>;

export const AdminErasureBody = Type.Composite([
  ErasureBody,
  Type.Object({
    userId: Type.String({ format: 'uuid' }),
    requestedBy: Type.String({ description: "'user', or 'admin:' and the first 16 hex digits of the SHA-256 of the admin key" }),
    deletedRows: Type.Record(Type.String(), Type.Integer({ minimum: 0 }), { description: 'rows deleted per table (and queued_jobs: ingest jobs removed from the queue)' }),
  }),
]);
export type AdminErasureBodyT = Static<typeof AdminErasureBody>;

/** Who asked, as the audit record keeps it: the user, or an admin key by its fingerprint. */
export type ErasureRequester = { kind: 'user' } | { kind: 'admin'; keyFingerprint: string };

export function requesterText(requester: ErasureRequester): string {
  return requester.kind === 'user' ? 'user' : `admin:${requester.keyFingerprint}`;
}
