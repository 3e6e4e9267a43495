import { expect, test } from 'bun:test';
import { decodeImportJob, encodeImportJob, importJobId } from '../../../src/imports/import-job.ts';

test('an import job carries only the import id, as base64 msgpack (BullMQ stores job data as JSON)', () => {
  const id = crypto.randomUUID();
  const data = encodeImportJob(id);
  expect(Object.keys(data)).toEqual(['payload']);
  expect(data.payload).toMatch(/^[A-Za-z0-9+/]+=*$/);
  expect(decodeImportJob(data)).toBe(id);
  expect(() => decodeImportJob({ payload: Buffer.from('not msgpack of ours').toString('base64') })).toThrow();
});

test('job ids name the import and why the job was added, without the ":" BullMQ forbids', () => {
  const id = crypto.randomUUID();
  expect(importJobId(id, 'upload')).toBe(`import.${id}.upload.0`);
  expect(importJobId(id, 'lease-wait', 1700000000000)).not.toContain(':');
});
