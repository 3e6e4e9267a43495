// Upload bodies taken through the API's own steps (validate, prepareBatch) into PreparedBatch,
// as the queue path receives them.
import { validateBatchBody } from '../../src/domain/ingest/upload-schema.ts';
import { defaultCatalog } from '../../src/domain/catalog/catalog.ts';
import type { PreparedBatch } from '../../src/ingest/finish-batch.ts';
import { prepareBatch } from '../../src/ingest/submit.ts';
import { uploadBody } from './sample-bodies.ts';

/** A body text validated and prepared for `userId`; throws if the body is not valid. */
export function preparedFromText(userId: string, text: string): PreparedBatch {
  const checked = validateBatchBody(JSON.parse(text), 500);
  if (!checked.ok) throw new Error(`bench body invalid: ${JSON.stringify(checked.errors.slice(0, 3))}`);
  const upload = { userId, body: checked.value, headerOffsetMinutes: undefined, receivedAt: new Date() };
  return prepareBatch(defaultCatalog, upload, new Set(), Date.now());
}

export function preparedBatch(userId: string, size: number, startMs: number): PreparedBatch {
  const batch = preparedFromText(userId, uploadBody(size, startMs));
  if (batch.failures.length > 0) throw new Error('bench samples must all be valid');
  return batch;
}
