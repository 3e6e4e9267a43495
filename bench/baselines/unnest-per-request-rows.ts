// A comparison writer for bench/queue-throughput.ts: the group's rows written with the inline
// path's unnest statement, one statement per request, instead of one COPY for the group. It
// plugs into the worker's group writer through the same port as COPY (SampleRowWriter), so the
// production path carries no bench-only mode.
import type { SampleRowWriter, WrittenSample } from '../../src/ingest/sample-writes.ts';
import { upsertSamples } from '../../src/ingest/sample-writes.ts';

export const unnestPerRequestRows: SampleRowWriter = {
  pipelinedWithClaim: false,
  async write(tx, parts) {
    const byUser = new Map<string, WrittenSample[]>();
    for (const part of parts) byUser.set(part.userId, await upsertSamples(tx, part.userId, part.receivedAt, part.rows));
    return byUser;
  },
};
