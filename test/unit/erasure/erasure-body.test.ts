// The wire forms of an erasure (CONTRACT §10) from its audit record: the user's counts are the
// named tables' (0 while a table has not been reached), the operator's view adds who asked and
// every table's count; who asked is 'user' or the admin key's fingerprint, never the key.
import { expect, test } from 'bun:test';
import { requesterText } from '../../../src/domain/erasure/erasure-schema.ts';
import { adminErasureBody, erasureBody } from '../../../src/erasure/erasure-requests.ts';
import { adminKeyFingerprint } from '../../../src/http/routes/admin-user-data.ts';
import type { ErasureRecord } from '../../../src/erasure/queries.ts';

const record: ErasureRecord = {
  id: '0b7c2f4e-8a51-4d0e-9f3a-6c2b1d4e5f60',
  userId: '3f1c2a9e-4d7b-4c1e-9a55-0c9f1d2e7b61',
  status: 'running',
  requestedBy: 'user',
  startedAt: new Date('2026-12-01T10:00:00Z'),
  finishedAt: null,
  deleted: { health_samples: 1200, health_ingest_requests: 3, outbox_events: 5, queued_jobs: 1 },
};

test('the user sees samples, summaries, requests and imports, 0 where nothing was deleted yet', () => {
  expect(erasureBody(record)).toEqual({
    erasureId: record.id,
    status: 'running',
    startedAt: '2026-12-01T10:00:00.000Z',
    finishedAt: null,
    deleted: { samples: 1200, summaries: 0, requests: 3, imports: 0 },
  });
});

test('the operator also sees who asked and every count', () => {
  expect(adminErasureBody({ ...record, requestedBy: 'admin:0123456789abcdef' })).toMatchObject({
    userId: record.userId,
    requestedBy: 'admin:0123456789abcdef',
    deletedRows: record.deleted,
  });
});

test("who asked: 'user', or 'admin:' and the first 16 hex digits of the key's SHA-256", () => {
  expect(requesterText({ kind: 'user' })).toBe('user');
  const fingerprint = adminKeyFingerprint('secret-admin-key');
  expect(fingerprint).toBe(new Bun.CryptoHasher('sha256').update('secret-admin-key').digest('hex').slice(0, 16));
  expect(requesterText({ kind: 'admin', keyFingerprint: fingerprint })).toMatch(/^admin:[0-9a-f]{16}$/);
});
