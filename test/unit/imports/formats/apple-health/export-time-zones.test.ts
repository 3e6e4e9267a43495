import { describe, expect, test } from 'bun:test';
import { appleHealthFormat } from '../../../../../src/imports/formats/apple-health/index.ts';
import type { SampleItem } from '../../../../../src/imports/format.ts';
import { encoder, readAll } from '../../../../support/import-files.ts';

// An export written in January (+0100) holding a July sample, which was taken at +0200:
// the written offset is the export's, not the sample's (CONTRACT §9).
const julyRecord = (metadata = '') =>
  ` <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count" startDate="2024-07-01 09:00:00 +0100" endDate="2024-07-01 09:10:00 +0100" value="5">${metadata}</Record>\n`;
const exportOf = (body: string) => encoder.encode(`<?xml version="1.0" encoding="UTF-8"?>\n<HealthData locale="nl_NL">\n${body}</HealthData>\n`);

async function onlySample(body: string, timeZone?: string) {
  const { items } = await readAll(appleHealthFormat, exportOf(body), 64 * 1024, timeZone === undefined ? {} : { timeZone });
  return (items[0] as SampleItem).sample;
}

describe('time zones of export records', () => {
  test('without a zone anywhere, the written offset is kept as the sample offset', async () => {
    const sample = await onlySample(julyRecord());
    expect(sample.timezoneOffsetMinutes).toBe(60);
    expect(sample.metadata?.timeZone).toBeUndefined();
  });

  test("the caller's zone replaces the written offset: metadata.timeZone, no offset", async () => {
    const sample = await onlySample(julyRecord(), 'Europe/Amsterdam');
    expect(sample.timezoneOffsetMinutes).toBeUndefined();
    expect(sample.metadata?.timeZone).toBe('Europe/Amsterdam');
    // The instant itself is unchanged: 09:00 at +01:00.
    expect(Date.parse(sample.startAt)).toBe(Date.parse('2024-07-01T08:00:00Z'));
  });

  test("HKTimeZone on the record wins over the caller's zone", async () => {
    const sample = await onlySample(julyRecord('<MetadataEntry key="HKTimeZone" value="America/New_York"/>'), 'Europe/Amsterdam');
    expect(sample.timezoneOffsetMinutes).toBeUndefined();
    expect(sample.metadata?.timeZone).toBe('America/New_York');
  });

  test('records on both sides of a DST change carry the same written offset and get the same zone', async () => {
    const before = julyRecord().replaceAll('2024-07-01', '2024-03-30');
    const after = julyRecord().replaceAll('2024-07-01', '2024-03-31').replaceAll('09:00', '03:30');
    const { items } = await readAll(appleHealthFormat, exportOf(before + after), 64 * 1024, { timeZone: 'Europe/Amsterdam' });
    const samples = items.map((item) => (item as SampleItem).sample);
    expect(samples.map((sample) => sample.metadata?.timeZone)).toEqual(['Europe/Amsterdam', 'Europe/Amsterdam']);
    expect(samples.map((sample) => sample.startAt)).toEqual(['2024-03-30T09:00:00+01:00', '2024-03-31T03:30:00+01:00']);
  });
});
