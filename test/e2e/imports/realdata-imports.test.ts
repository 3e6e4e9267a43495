// Every genuine Health app export in ../shared/realdata imported three ways — over HTTP as the
// zip the Health app writes (apple_health_export/export.xml), over HTTP as the bare export.xml,
// and with `bun run cli import` — each for a user of its own. Read back: what is stored equals
// across the three ways; every stored sample is one of the file's records (the test's own
// reading, test/support/export-records.ts); accepted + failed = the records the file has; the
// step counts are stored as written. A re-import of the zip changes nothing: every record
// unchanged, no health.samples.changed event, one health.import.completed event.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { appleHealthRecords } from '../../support/export-records.ts';
import { healthAppZip } from '../../support/import-files.ts';
import { cliImport, importAndWait, outboxEventsOf, storedSamples, type StoredSampleRow, POLLING_ENV } from '../../support/imports.ts';
import { realExportFiles } from '../../support/realdata.ts';
import { startTestService, type TestService } from '../../support/service.ts';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ worker: true, env: POLLING_ENV });
});
afterAll(() => service.close());

const keyOf = (row: StoredSampleRow) =>
  [row.source_id, row.source_record_id, row.metric_code, row.start_at.toISOString(), row.value, row.unit, row.category_code, row.timezone_offset_minutes].join('|');

describe.each(realExportFiles().map((path) => [basename(path), path]))('%s', (_name, path) => {
  const xml = readFileSync(path);
  const records = appleHealthRecords(xml.toString('utf8'), basename(path));
  const users = { zip: crypto.randomUUID(), xml: crypto.randomUUID(), cli: crypto.randomUUID() };
  const stored: Record<string, StoredSampleRow[]> = {};

  test('over HTTP as the Health app zip: every record read, stored as the file says', async () => {
    const token = await service.token(users.zip);
    const state = await importAndWait(service, token, 'apple-health', healthAppZip(xml));
    expect({ status: state.status, error: state.error }).toEqual({ status: 'completed', error: null });
    expect(state.progress.bytesTotal).toBeGreaterThan(0);
    expect(state.progress.bytesRead).toBe(state.progress.bytesTotal);
    const { accepted, unchanged, failed } = state.progress;
    expect(accepted + unchanged + failed).toBe(records.length);
    expect(accepted).toBeGreaterThanOrEqual(Math.floor(records.length * 0.99));
    stored.zip = await storedSamples(service, users.zip);
    expect(stored.zip.length).toBeLessThanOrEqual(accepted); // keys written twice in a file count twice
    expect(stored.zip.length).toBeGreaterThan(0);
    // every stored sample is one of the file's records: its source and its instant
    const instants = new Set(records.map((record) => `${record.source}|${Date.parse(record.startAt)}`));
    for (const row of stored.zip) expect(instants.has(`${row.source_id}|${row.start_at.getTime()}`)).toBe(true);
    // step counts as written
    const steps = records.filter((record) => record.type === 'HKQuantityTypeIdentifierStepCount');
    const storedSteps = stored.zip.filter((row) => row.metric_code === 'steps');
    // (all of them but the ones that failed: rgosdin's phone dated two records 2030)
    expect(steps.length - storedSteps.length).toBeLessThanOrEqual(failed);
    const written = new Map<string, number>();
    for (const record of steps) {
      const key = `${record.source}|${Date.parse(record.startAt)}|${Number(record.values[0]!.value)}`;
      written.set(key, (written.get(key) ?? 0) + 1);
    }
    for (const row of storedSteps) {
      const key = `${row.source_id}|${row.start_at.getTime()}|${row.value}`;
      expect(written.get(key) ?? 0).toBeGreaterThan(0);
      written.set(key, written.get(key)! - 1);
    }
    // one samples-changed event per group written, then the completion
    const events = await outboxEventsOf(service, users.zip);
    expect(events.at(-1)!.event_type).toBe('health.import.completed');
    expect(events.filter((event) => event.event_type === 'health.samples.changed').length).toBeGreaterThanOrEqual(1);
    expect(events.map((event) => Number(event.seq))).toEqual(events.map((_, i) => i + 1));
  });

  test('over HTTP as the bare export.xml: the same samples', async () => {
    const token = await service.token(users.xml);
    const state = await importAndWait(service, token, 'apple-health', xml, { contentType: 'application/xml' });
    expect(state.status).toBe('completed');
    stored.xml = await storedSamples(service, users.xml);
    expect(stored.xml.map(keyOf)).toEqual(stored.zip!.map(keyOf));
  });

  test('with bun run cli import: the same samples, the final import on stdout, exit 0', async () => {
    const { code, stdout, stderr } = await cliImport(service, ['apple-health', path, '--user', users.cli]);
    expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
    const final = JSON.parse(stdout);
    expect(final).toMatchObject({ status: 'completed', format: 'apple-health' });
    // not a terminal: progress as JSON lines
    const lines = stderr.trim().split('\n').filter((line) => line.startsWith('{'));
    expect(JSON.parse(lines.at(-1)!).progress).toMatchObject({ recordsRead: final.progress.recordsRead, percent: 100 });
    stored.cli = await storedSamples(service, users.cli);
    expect(stored.cli.map(keyOf)).toEqual(stored.zip!.map(keyOf));
  });

  test('re-importing the zip changes nothing: all unchanged, no samples-changed event', async () => {
    const token = await service.token(users.zip);
    const before = await outboxEventsOf(service, users.zip);
    const state = await importAndWait(service, token, 'apple-health', healthAppZip(xml));
    expect(state.status).toBe('completed');
    expect(state.progress.accepted).toBe(0);
    expect(state.progress.unchanged).toBe(records.length - state.progress.failed);
    const after = await outboxEventsOf(service, users.zip);
    expect(after.slice(before.length).map((event) => event.event_type)).toEqual(['health.import.completed']);
    expect((await storedSamples(service, users.zip)).map(keyOf)).toEqual(stored.zip!.map(keyOf));
  });
});
