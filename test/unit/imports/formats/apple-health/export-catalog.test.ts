// What the reader makes of the real exports is what the service takes: every sample fits the
// upload's wire shape, and the per-sample rules accept all of them but the records the phone
// dated 2030 and, until metadata.timeZone is resolved to an offset, the stages that carry a zone only.
import { describe, expect, test } from 'bun:test';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SampleBody } from '../../../../../src/domain/ingest/upload-schema.ts';
import { defaultCatalog } from '../../../../../src/domain/catalog/catalog.ts';
import { normalizeSamples } from '../../../../../src/domain/ingest/sample-rules.ts';
import type { SampleBodyT } from '../../../../../src/domain/ingest/upload-schema.ts';
import { appleHealthFormat } from '../../../../../src/imports/formats/apple-health/index.ts';
import { readAll } from '../../../../support/import-files.ts';
import { realExportFiles } from '../../../../support/realdata.ts';

const sampleShape = TypeCompiler.Compile(SampleBody);
const NOW = Date.parse('2026-12-01T00:00:00Z');

describe.each([undefined, 'Europe/Amsterdam'])('real exports read with timeZone %p', (timeZone) => {
  test.each(realExportFiles().map((file) => [path.basename(file), file]))('%s: every sample has the wire shape and passes the catalog', async (_name, file) => {
    const { items } = await readAll(appleHealthFormat, new Uint8Array(readFileSync(file)), 64 * 1024, timeZone === undefined ? {} : { timeZone });
    const samples = items.flatMap((item) => (item.kind === 'sample' ? [item.sample] : []));
    expect(samples.filter((sample) => !sampleShape.Check(sample))).toEqual([]);
    const { failures } = normalizeSamples(samples as SampleBodyT[], {
      catalog: defaultCatalog,
      blockedMetrics: new Set(),
      headerOffsetMinutes: undefined,
      nowMs: NOW,
    });
    const unexpected = failures.filter((failure) => {
      const sample = samples[failure.index]!;
      if (failure.code === 'INVALID_TIME_RANGE') return !sample.startAt.startsWith('2030-');
      if (failure.code === 'TIMEZONE_REQUIRED') return sample.metadata?.timeZone === undefined;
      return true;
    });
    expect(unexpected).toEqual([]);
  });
});
