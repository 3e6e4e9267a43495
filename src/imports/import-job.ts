// The BullMQ job type of imports (STYLE #10: name, payload, codec, id and options in one file): a
// slice of one import's processing, carrying only its id — the file and the progress are in
// PostgreSQL, so a lost, duplicated or late job costs nothing but a lease check.
import type { JobsOptions } from 'bullmq';
import { Packr } from 'msgpackr';

export const IMPORT_QUEUE_NAME = 'health-ingest-import';
export const IMPORT_JOB_NAME = 'import-slice';

export interface ImportJobData {
  /** encodeImportJob(importId) */
  payload: string;
}

/** Why the job was added; part of its id, so each reason is added at most once per moment. */
export type ImportJobReason = 'upload' | 'follow-up' | 'lease-wait' | 'sweep';

/** BullMQ forbids ':' in custom ids. */
export const importJobId = (importId: string, reason: ImportJobReason, discriminator: number | string = 0) =>
  `import.${importId}.${reason}.${discriminator}`;

export const IMPORT_JOB_OPTIONS: JobsOptions = {
  attempts: 5,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: { age: 24 * 3600, count: 1000 },
};

// msgpack like the ingest job's payload (records off: msgpackr #193), base64 because BullMQ
// stores job data as JSON.
const packr = new Packr({ useRecords: false, moreTypes: false });

export function encodeImportJob(importId: string): ImportJobData {
  return { payload: Buffer.from(packr.pack({ v: 1, importId })).toString('base64') };
}

export function decodeImportJob(data: ImportJobData): string {
  const wire = packr.unpack(Buffer.from(data.payload, 'base64')) as { v?: number; importId?: unknown };
  if (wire?.v !== 1 || typeof wire.importId !== 'string') throw new Error('unknown import job payload');
  return wire.importId;
}
