// The csv format end to end (CONTRACT §9): RFC 4180 quoting, a bad line failing alone with its
// line number, the Health Connect log of ../shared/realdata as a CSV; and the export's time-zone
// rule with records on both sides of a DST change: HKTimeZone wins, else the POST's timeZone
// gives each record the offset in force at its own time, else the written offset stays.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { csvField } from '../../../src/imports/formats/csv/csv-columns.ts';
import { healthConnectLogOffsetMinutes, readRecords, realDataFiles } from '../../support/export-records.ts';
import { healthAppZip } from '../../support/import-files.ts';
import { importAndWait, postImport, storedSamples, POLLING_ENV } from '../../support/imports.ts';
import { startTestService, type TestService } from '../../support/service.ts';
import { ThinClient } from '../../support/thin-client.ts';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ worker: true, env: POLLING_ENV });
});
afterAll(() => service.close());

const HEADER = 'sourceId,sourceRecordId,metricCode,value,unit,startAt,endAt,timezoneOffsetMinutes,metadata\r\n';

describe('csv', () => {
  test('quoted fields (commas, quotes, line breaks) are read as RFC 4180 says; a bad line fails alone with its line number', async () => {
    const userId = crypto.randomUUID();
    const token = await service.token(userId);
    const csv =
      HEADER +
      '"watch, left wrist",r1,heart_rate,72,count/min,2026-11-20T07:15:00Z,,60,"{""deviceModel"":""Watch7,1""}"\r\n' +
      'watch,"r2 ""quoted""",heart_rate,73,count/min,2026-11-20T07:16:00Z,,60,\r\n' +
      'watch,r3,heart_rate,not-a-number,count/min,2026-11-20T07:17:00Z,,60,\r\n' + // line 4: bad value
      'watch,"r4\r\nspans lines",heart_rate,74,count/min,2026-11-20T07:18:00Z,,60,\r\n' +
      'watch,r5,heart_rate,75,count/min,yesterday,,60,\r\n' + // line 7: bad startAt
      'watch,r6,heart_rate,76,parsec,2026-11-20T07:20:00Z,,60,\r\n'; // line 8: a unit the metric has not
    const state = await importAndWait(service, token, 'csv', csv);
    expect(state.status).toBe('completed');
    expect(state.progress).toMatchObject({ recordsRead: 6, accepted: 3, unchanged: 0, failed: 3 });
    expect(state.progress.errors.map((error: { line: number; code: string }) => [error.line, error.code])).toEqual([
      [4, expect.any(String)],
      [7, expect.any(String)],
      [8, 'UNIT_NORMALIZATION_FAILED'],
    ]);
    const rows = await storedSamples(service, userId);
    expect(rows.map((row) => [row.source_id, row.source_record_id, row.value])).toEqual([
      ['watch, left wrist', 'r1', 72],
      ['watch', 'r2 "quoted"', 73],
      ['watch', 'r4\r\nspans lines', 74],
    ]);
  });

  test('a file without the required columns is not csv: 415', async () => {
    const token = await service.token(crypto.randomUUID());
    const answer = await postImport(service, token, 'csv', 'name,age\r\nbob,3\r\n');
    expect(answer.status).toBe(415);
    expect(answer.body.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  const healthConnect = realDataFiles().filter((file) => file.platform === 'healthconnect');
  test.each(healthConnect.map((file) => [file.name, file]))('the Health Connect log %s, written as a CSV, goes in at ≥ 99 %%', async (_name, file) => {
    const userId = crypto.randomUUID();
    const token = await service.token(userId);
    const client = new ThinClient(service.baseUrl, token);
    const offset = healthConnectLogOffsetMinutes(readFileSync(file.path, 'utf8'));
    const samples = (await Promise.all(readRecords(file).map((record) => client.samplesOf(record)))).flat().map(({ sample }) => sample);
    const columns = ['sourceId', 'sourceRecordId', 'metricCode', 'valueKind', 'value', 'unit', 'categoryCode', 'durationSeconds', 'startAt', 'endAt', 'timezoneOffsetMinutes'] as const;
    const lines = samples.map((sample) =>
      columns.map((column) => csvField(column === 'timezoneOffsetMinutes' ? ((sample.timezoneOffsetMinutes as number | undefined) ?? offset) : (((sample as Record<string, unknown>)[column] as string | number | undefined) ?? null))).join(','),
    );
    const state = await importAndWait(service, token, 'csv', `${columns.join(',')}\r\n${lines.join('\r\n')}\r\n`);
    expect(state.status).toBe('completed');
    expect(state.progress.recordsRead).toBe(samples.length);
    expect(state.progress.accepted / samples.length).toBeGreaterThanOrEqual(0.99);
    expect((await storedSamples(service, userId)).length).toBeGreaterThan(0);
  });
});

describe('the export time-zone rule, both sides of a DST change (Europe/Berlin, 2026-03-29 01:00 UTC)', () => {
  // exported in summer (+0200): every date carries +0200, also the winter record's
  const record = (id: string, start: string, zone?: string) =>
    `<Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count" creationDate="2026-07-01 12:00:00 +0200" startDate="${start}" endDate="${start}" value="10">` +
    `<MetadataEntry key="HKMetadataKeySyncIdentifier" value="${id}"/>${zone ? `<MetadataEntry key="HKTimeZone" value="${zone}"/>` : ''}</Record>\n`;
  const exportXml = () =>
    '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData>\n<HealthData locale="de_DE">\n <ExportDate value="2026-07-01 12:00:00 +0200"/>\n' +
    record('winter', '2026-03-28 12:00:00 +0200') + // 10:00 UTC, CET (+01:00) then
    record('summer', '2026-03-30 12:00:00 +0200') + // 10:00 UTC, CEST (+02:00)
    record('tokyo', '2026-03-28 13:00:00 +0200', 'Asia/Tokyo') + // its own zone wins
    '</HealthData>\n';
  const offsets = async (userId: string) =>
    Object.fromEntries((await storedSamples(service, userId)).map((row) => [row.source_record_id, [row.timezone_offset_minutes, row.timezone_source]]));

  test('with timeZone: each record gets the offset of its own time (zone); HKTimeZone wins', async () => {
    const userId = crypto.randomUUID();
    const state = await importAndWait(service, await service.token(userId), 'apple-health', healthAppZip(new TextEncoder().encode(exportXml())), {
      timeZone: 'Europe/Berlin',
    });
    expect(state.status).toBe('completed');
    expect(await offsets(userId)).toEqual({ winter: [60, 'zone'], summer: [120, 'zone'], tokyo: [540, 'zone'] });
  });

  test('without it the written offset stays (sample); HKTimeZone still wins', async () => {
    const userId = crypto.randomUUID();
    const state = await importAndWait(service, await service.token(userId), 'apple-health', new TextEncoder().encode(exportXml()), {
      contentType: 'application/xml',
    });
    expect(state.status).toBe('completed');
    expect(await offsets(userId)).toEqual({ winter: [120, 'sample'], summer: [120, 'sample'], tokyo: [540, 'zone'] });
  });

  test('an unknown timeZone is a 400 naming the parameter, nothing stored', async () => {
    const answer = await postImport(service, await service.token(crypto.randomUUID()), 'apple-health', exportXml(), {
      contentType: 'application/xml',
      timeZone: 'Mars/Olympus',
    });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ code: 'VALIDATION_FAILED', errors: [{ path: '/query/timeZone' }] });
  });
});
