// Upload bodies taken through the API's own steps (validate, normalize) into PreparedBatch,
// as the queue path receives them.
import { validateBatchBody } from '../../src/domain/batch-schema.ts';
import { defaultCatalog } from '../../src/domain/catalog.ts';
import { normalizeDeleteRefs, normalizeSamples } from '../../src/domain/sample-rules.ts';
import type { PreparedBatch } from '../../src/ingest/apply-batch.ts';
import { uploadBody } from './sample-bodies.ts';

export function preparedBatch(userId: string, size: number, startMs: number): PreparedBatch {
  const text = uploadBody(size, startMs);
  const checked = validateBatchBody(JSON.parse(text), Math.max(500, size));
  if (!checked.ok) throw new Error(`bench body invalid: ${JSON.stringify(checked.errors)}`);
  const normalized = normalizeSamples(checked.value.samples, {
    catalog: defaultCatalog,
    blockedMetrics: new Set(),
    headerOffsetMinutes: undefined,
    nowMs: Date.now(),
  });
  if (normalized.failures.length > 0) throw new Error('bench samples must all be valid');
  return {
    userId,
    requestId: checked.value.requestId,
    payloadHash: checked.value.payloadHash,
    bodyDigest: null,
    itemCount: size,
    receivedAt: new Date(),
    valid: normalized.valid,
    failures: [],
    deleteRefs: normalizeDeleteRefs(checked.value.deleted ?? []),
  };
}
