// The slice runner (src/imports/import-slice.ts) against a real PostgreSQL: a slice that runs
// out of time yields and the next one continues where it stopped; a live lease makes a second
// runner wait (busy) and an expired one is taken over; a runner that dies after some groups
// leaves a position the next one resumes from with nothing written twice and nothing lost; a
// cancel stops a running slice at its next group.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { defaultCatalog } from '../../../src/domain/catalog/catalog.ts';
import { failImport, runImportSlice, type SliceDeps } from '../../../src/imports/import-slice.ts';
import { claimImportLease, getImportById } from '../../../src/imports/queries.ts';
import { defaultImportRegistry } from '../../../src/imports/registry.ts';
import { receiveImport } from '../../../src/imports/upload.ts';
import { createTestDatabase, type TestDatabase } from '../../support/database.ts';
import { healthAppZip } from '../../support/import-files.ts';
import { until } from '../../support/poll.ts';
import { realExportFiles } from '../../support/realdata.ts';

let database: TestDatabase;
beforeAll(async () => {
  database = await createTestDatabase({ poolSize: 6 });
});
afterAll(() => database.drop());

const zip = healthAppZip(readFileSync(realExportFiles().find((path) => path.includes('ericwolter'))!));

const deps = (overrides: Partial<SliceDeps> = {}): SliceDeps => ({
  db: database.sql,
  registry: defaultImportRegistry,
  catalog: defaultCatalog,
  now: Date.now,
  leaseMs: 60_000,
  sliceMs: Number.POSITIVE_INFINITY,
  maxExpandedBytes: 2 ** 30,
  groupSamples: 500,
  ...overrides,
});

async function storedImport(userId: string): Promise<string> {
  const { row } = await receiveImport(
    { db: database.sql, registry: defaultImportRegistry, maxImportBytes: 2 ** 30, newId: () => crypto.randomUUID(), enqueue: async () => {} },
    {
      userId,
      formatName: 'apple-health',
      body: new Blob([zip]).stream() as ReadableStream<Uint8Array>,
      declaredLength: zip.length,
      contentEncoding: null,
      idempotencyKey: null,
      timeZone: null,
    },
  );
  return row.id;
}

const liveRows = async (userId: string) =>
  Number((await database.sql.unsafe('SELECT count(*)::int AS n FROM health_samples WHERE user_id = $1 AND deleted_at IS NULL', [userId]))[0]!.n);
const eventTypes = async (userId: string) =>
  (await database.sql.unsafe('SELECT event_type FROM outbox_events WHERE user_id = $1 ORDER BY seq', [userId])).map((row) => row.event_type as string);

/** What one uninterrupted slice makes of the file, for comparison. */
let reference: { accepted: number; unchanged: number; failed: number; recordsRead: number; rows: number };
beforeAll(async () => {
  const userId = crypto.randomUUID();
  const id = await storedImport(userId);
  expect(await runImportSlice(deps(), id, 'reference')).toEqual({ kind: 'finished', status: 'completed' });
  const row = (await getImportById(database.sql, id))!;
  reference = { ...row.counts, rows: await liveRows(userId) };
  expect(reference.accepted).toBeGreaterThan(3000);
});

describe('an import slice', () => {
  test('out of time, it yields after a group; each next slice continues from there, to the same end', async () => {
    const userId = crypto.randomUUID();
    const id = await storedImport(userId);
    const positions: number[] = [];
    for (let slice = 0; slice < 100; slice++) {
      const outcome = await runImportSlice(deps({ sliceMs: 0 }), id, `runner-${slice}`);
      const row = (await getImportById(database.sql, id))!;
      positions.push(row.resumePosition);
      if (outcome.kind === 'finished') break;
      expect(outcome).toEqual({ kind: 'yielded' });
      expect(row.status).toBe('running');
    }
    expect(positions.length).toBeGreaterThan(3);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    const row = (await getImportById(database.sql, id))!;
    expect(row.status).toBe('completed');
    expect({ ...pick(row.counts), rows: await liveRows(userId) }).toEqual({ ...pick(reference), rows: reference.rows });
    expect((await eventTypes(userId)).at(-1)).toBe('health.import.completed');
  });

  test('a shutdown makes a running slice yield after its group in flight, and the next one finishes the import', async () => {
    const userId = crypto.randomUUID();
    const id = await storedImport(userId);
    const stopping = new AbortController();
    const outcome = await runImportSlice(deps({ stopping: stopping.signal, onGroup: () => stopping.abort() }), id, 'shutting down');
    expect(outcome).toEqual({ kind: 'yielded' });
    const left = (await getImportById(database.sql, id))!;
    expect(left.status).toBe('running');
    expect(left.resumePosition).toBeGreaterThan(0);
    expect(await runImportSlice(deps(), id, 'next worker')).toEqual({ kind: 'finished', status: 'completed' });
    expect(await liveRows(userId)).toBe(reference.rows);
  });

  test('a live lease makes another runner wait (busy until it expires); an expired one is taken over', async () => {
    const userId = crypto.randomUUID();
    const id = await storedImport(userId);
    expect(await claimImportLease(database.sql, id, 'a dead worker', 300)).not.toBeNull();
    const busy = await runImportSlice(deps(), id, 'second');
    expect(busy.kind).toBe('busy');
    if (busy.kind === 'busy') expect(busy.retryAt.getTime()).toBeGreaterThan(Date.now() - 1000);
    await leaseExpired(id); // what a killed worker leaves behind
    expect(await runImportSlice(deps(), id, 'second')).toEqual({ kind: 'finished', status: 'completed' });
    expect(await liveRows(userId)).toBe(reference.rows);
  });

  test('a runner that dies after some groups: the next resumes at the last committed group, nothing twice, nothing lost', async () => {
    const userId = crypto.randomUUID();
    const id = await storedImport(userId);
    let groups = 0;
    const dying = deps({
      leaseMs: 300,
      onGroup: () => {
        if (++groups === 3) throw new Error('killed');
      },
    });
    await expect(runImportSlice(dying, id, 'dies')).rejects.toThrow('killed');
    const left = (await getImportById(database.sql, id))!;
    expect(left.status).toBe('running');
    expect(left.resumePosition).toBeGreaterThan(0);
    expect(await liveRows(userId)).toBeGreaterThan(0);
    await leaseExpired(id);
    expect(await runImportSlice(deps(), id, 'resumes')).toEqual({ kind: 'finished', status: 'completed' });
    const row = (await getImportById(database.sql, id))!;
    expect({ ...pick(row.counts), rows: await liveRows(userId) }).toEqual({ ...pick(reference), rows: reference.rows });
  });

  test('a cancel stops a running slice at its next group; what it wrote stays', async () => {
    const userId = crypto.randomUUID();
    const id = await storedImport(userId);
    // small groups, each waiting a little: the cancel lands while the slice runs
    const slow = deps({ groupSamples: 50, onGroup: () => Bun.sleepSync(5) });
    const running = runImportSlice(slow, id, 'cancelled');
    await until(() => getImportById(database.sql, id), (row) => (row?.resumePosition ?? 0) > 0, 10_000, 'a first group committed');
    await database.sql.unsafe("UPDATE imports SET status = 'cancelled', finished_at = now() WHERE id = $1", [id]);
    expect(await running).toEqual({ kind: 'finished', status: 'cancelled' });
    const written = await liveRows(userId);
    expect(written).toBeGreaterThan(0);
    expect(written).toBeLessThan(reference.rows);
  });
});

describe('an import its jobs could not process', () => {
  test('is failed with the completion event and its file freed; once', async () => {
    const userId = crypto.randomUUID();
    const id = await storedImport(userId);
    expect(await failImport(database.sql, id, { code: 'PROCESSING_FAILED', message: 'every attempt threw' })).toBe(true);
    const row = (await getImportById(database.sql, id))!;
    expect([row.status, row.error]).toEqual(['failed', { code: 'PROCESSING_FAILED', message: 'every attempt threw' }]);
    expect(await eventTypes(userId)).toEqual(['health.import.completed']);
    expect(Number((await database.sql.unsafe('SELECT count(*)::int AS n FROM import_chunks WHERE import_id = $1', [id]))[0]!.n)).toBe(0);
    expect(await failImport(database.sql, id, { code: 'PROCESSING_FAILED', message: 'again' })).toBe(false);
    expect(await runImportSlice(deps(), id, 'late job')).toEqual({ kind: 'finished', status: 'failed' });
  });
});

function leaseExpired(id: string) {
  return until(
    async () => (await database.sql.unsafe('SELECT lease_expires_at < now() AS expired FROM imports WHERE id = $1', [id]))[0]!.expired as boolean,
    (expired) => expired,
    5_000,
    'the lease expired',
  );
}

function pick(counts: { accepted: number; unchanged: number; failed: number; recordsRead: number }) {
  return { accepted: counts.accepted, unchanged: counts.unchanged, failed: counts.failed, recordsRead: counts.recordsRead };
}
