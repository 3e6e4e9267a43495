import { describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { appleHealthFormat } from '../../../../../src/imports/formats/apple-health/index.ts';
import type { ImportItem, SampleItem } from '../../../../../src/imports/format.ts';
import { encoder, readAll } from '../../../../support/import-files.ts';
import { realExportFiles } from '../../../../support/realdata.ts';

const files = realExportFiles();
const fileBytes = (name: string) => new Uint8Array(readFileSync(files.find((file) => file.endsWith(name))!));
const samples = (items: ImportItem[]) => items.filter((item): item is SampleItem => item.kind === 'sample');

/** What the reader should find, counted by regular expressions over the file's text. */
function independentCount(text: string): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (key: string) => (counts[key] = (counts[key] ?? 0) + 1);
  const withoutCorrelations = text.replace(/<Correlation\b[\s\S]*?<\/Correlation>/g, (block) => {
    add('skipped:Correlation');
    return '';
  });
  for (const match of withoutCorrelations.matchAll(/<Record\b[^>]*?\stype="([^"]+)"/g)) add(`sample:${match[1]}`);
  for (const _ of withoutCorrelations.matchAll(/<Workout\b/g)) add('sample:HKWorkoutTypeIdentifier');
  for (const name of ['ExportDate', 'Me', 'ActivitySummary', 'ClinicalRecord', 'WorkoutRoute']) {
    for (const _ of withoutCorrelations.matchAll(new RegExp(`<${name}\\b`, 'g'))) add(`skipped:${name}`);
  }
  return counts;
}

function countOf(items: ImportItem[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const key = item.kind === 'sample' ? `sample:${item.sample.metricCode}` : item.kind === 'skipped' ? `skipped:${item.type}` : `error:${item.message}`;
    counts[key] = (counts[key] ?? 0) + 1;
  }
  return counts;
}

describe('every real export in ../shared/realdata', () => {
  test.each(files.map((file) => [path.basename(file), file]))('%s is read with one item per record, counted by type', async (_name, file) => {
    const bytes = new Uint8Array(readFileSync(file));
    const { items, failure, bytesRead } = await readAll(appleHealthFormat, bytes);
    expect(failure).toBeUndefined();
    expect(bytesRead).toBe(bytes.length);
    expect(countOf(items)).toEqual(independentCount(new TextDecoder().decode(bytes)));
    expect(items.map((item) => item.record)).toEqual(items.map((_, k) => k + 1));
  });

  test.each(files.map((file) => [path.basename(file), file]))('%s gives the same items in 7-byte and 64 KiB chunks', async (_name, file) => {
    const bytes = new Uint8Array(readFileSync(file));
    const whole = await readAll(appleHealthFormat, bytes, 64 * 1024);
    const small = await readAll(appleHealthFormat, bytes, 7);
    expect(small.items).toEqual(whole.items);
  });

  test.each(['alxdrcirilo-export.xml', 'dogsheep-export.xml'])('%s gives the same items in 1-byte chunks', async (name) => {
    const bytes = fileBytes(name);
    expect((await readAll(appleHealthFormat, bytes, 1)).items).toEqual((await readAll(appleHealthFormat, bytes)).items);
  });

  test('every item carries the line its element starts on', async () => {
    const bytes = fileBytes('alxdrcirilo-export.xml');
    const lines = new TextDecoder().decode(bytes).split('\n');
    const { items } = await readAll(appleHealthFormat, bytes);
    for (const item of items) expect(lines[item.line - 1]).toMatch(/^\s*<(Record|ExportDate|Me)\b/);
  });
});

describe('the current dialect (iOS 17, alxdrcirilo)', () => {
  test('a heart rate record keeps type, value and unit as written, with its device and app version in metadata', async () => {
    const [heartRate] = samples((await readAll(appleHealthFormat, fileBytes('alxdrcirilo-export.xml'))).items);
    expect(heartRate!.sample).toEqual({
      sourceId: "Alexandre's Apple Watch",
      sourceRecordId: expect.stringMatching(/^ah1-[0-9a-f]{32}$/),
      metricCode: 'HKQuantityTypeIdentifierHeartRate',
      valueKind: 'SCALAR_NUM',
      value: 74,
      unit: 'count/min',
      startAt: '2024-01-01T01:01:36+02:00',
      endAt: '2024-01-01T01:01:36+02:00',
      timezoneOffsetMinutes: 120,
      metadata: {
        deviceModel: 'Watch6,7',
        deviceManufacturer: 'Apple Inc.',
        osVersion: '10.2',
        appVersion: '10.2',
        heartRateMotionContext: 0,
      },
    });
    expect(heartRate!.sample.sourceVersion).toBeUndefined();
  });

  test('a sleep stage is a category with its HKTimeZone as metadata.timeZone and no offset', async () => {
    const sleep = samples((await readAll(appleHealthFormat, fileBytes('alxdrcirilo-export.xml'))).items).filter(
      (item) => item.sample.metricCode === 'HKCategoryTypeIdentifierSleepAnalysis',
    );
    expect(sleep.map((item) => item.sample.categoryCode)).toEqual([
      'HKCategoryValueSleepAnalysisInBed',
      'HKCategoryValueSleepAnalysisAsleepCore',
    ]);
    for (const { sample } of sleep) {
      expect(sample.valueKind).toBe('CATEGORY');
      expect(sample.metadata?.timeZone).toBe('Europe/Amsterdam');
      expect(sample.timezoneOffsetMinutes).toBeUndefined();
      expect(sample.value).toBeUndefined();
      expect(sample.unit).toBeUndefined();
    }
  });
});

describe('the pre-iOS 9 dialect (ericwolter)', () => {
  test('source= names the source, compact dates are read with their offset, attributes carry metadata', async () => {
    const items = samples((await readAll(appleHealthFormat, fileBytes('ericwolter-export.xml'))).items);
    const height = items.find((item) => item.sample.metricCode === 'HKQuantityTypeIdentifierHeight')!;
    expect(height.sample).toMatchObject({
      sourceId: 'Health',
      value: 1.75,
      unit: 'm',
      startAt: '2014-10-18T16:32:00+01:00',
      timezoneOffsetMinutes: 60,
      metadata: { wasUserEntered: true },
    });
  });

  test('a heart rate statistics record without value takes its average, in count/s as written', async () => {
    const items = samples((await readAll(appleHealthFormat, fileBytes('ericwolter-export.xml'))).items);
    const heartRate = items.find((item) => item.sample.metricCode === 'HKQuantityTypeIdentifierHeartRate')!;
    expect(heartRate.sample).toMatchObject({ value: 1.11667, unit: 'count/s', startAt: '2015-05-31T16:19:00+01:00' });
  });

  test('sleep as a raw value keeps the raw value as its category, and unit="" is dropped', async () => {
    const items = samples((await readAll(appleHealthFormat, fileBytes('ericwolter-export.xml'))).items);
    const sleep = items.find((item) => item.sample.metricCode === 'HKCategoryTypeIdentifierSleepAnalysis')!;
    expect(sleep.sample.categoryCode).toBe('1');
    expect(sleep.sample.unit).toBeUndefined();
    expect(sleep.sample.startAt).toBe('2012-09-23T22:29:59+01:00');
  });
});

describe('workouts and skipped elements (dogsheep)', () => {
  test('a workout is one sample: duration in its unit, the activity as category, totals converted in metadata', async () => {
    const items = (await readAll(appleHealthFormat, fileBytes('dogsheep-export.xml'))).items;
    const workout = samples(items).find((item) => item.sample.metricCode === 'HKWorkoutTypeIdentifier')!;
    expect(workout.sample).toMatchObject({
      sourceId: 'Apple\u00a0Watch', // as written: a no-break space

      valueKind: 'INTERVAL_NUM',
      value: 5.19412346680959,
      unit: 'min',
      categoryCode: 'HKWorkoutActivityTypeRunning',
      startAt: '2016-11-14T07:25:41-07:00',
      endAt: '2016-11-14T07:30:52-07:00',
    });
    expect(workout.sample.durationSeconds).toBeCloseTo(5.19412346680959 * 60, 9);
    expect(workout.sample.metadata!.totalDistanceMeters).toBeCloseTo(0.4971749504535062 * 1609.344, 9);
    expect(workout.sample.metadata!.totalEnergyKcal).toBeCloseTo(48.745, 9);
    expect(workout.sample.metadata!.timeZone).toBe('America/Los_Angeles');
    expect(workout.sample.metadata!.appVersion).toBe('3.1');
    expect(items[items.indexOf(workout) + 1]).toMatchObject({ kind: 'skipped', type: 'WorkoutRoute' });
  });

  test('Withings metadata outside the allowlist is dropped, HKWasUserEntered kept as a boolean', async () => {
    const [bmi] = samples((await readAll(appleHealthFormat, fileBytes('dogsheep-export.xml'))).items);
    expect(bmi!.sample.metadata).toEqual({ appVersion: '2160040', wasUserEntered: false });
  });
});

describe('the current export format', () => {
  const exportOf = (body: string) =>
    encoder.encode(`<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE HealthData [\n<!ELEMENT HealthData (Record*)>\n<!ATTLIST Record value CDATA #IMPLIED>\n]>\n<HealthData locale="en_US">\n${body}</HealthData>\n`);

  test('correlation members are read once, from top level; the container is skipped', async () => {
    const member = (type: string, value: number, indent: string) =>
      `${indent}<Record type="${type}" sourceName="Health" unit="mmHg" startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 08:00:00 +0100" value="${value}"/>\n`;
    const body =
      member('HKQuantityTypeIdentifierBloodPressureSystolic', 120, ' ') +
      member('HKQuantityTypeIdentifierBloodPressureDiastolic', 80, ' ') +
      ' <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Health" startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 08:00:00 +0100">\n' +
      member('HKQuantityTypeIdentifierBloodPressureSystolic', 120, '  ') +
      member('HKQuantityTypeIdentifierBloodPressureDiastolic', 80, '  ') +
      ' </Correlation>\n';
    const { items } = await readAll(appleHealthFormat, exportOf(body));
    expect(countOf(items)).toEqual({
      'sample:HKQuantityTypeIdentifierBloodPressureSystolic': 1,
      'sample:HKQuantityTypeIdentifierBloodPressureDiastolic': 1,
      'skipped:Correlation': 1,
    });
  });

  test('a workout of iOS 16+ takes its totals from WorkoutStatistics, its indoor flag from HKIndoorWorkout', async () => {
    const body = ` <Workout workoutActivityType="HKWorkoutActivityTypeCycling" duration="1.5" durationUnit="h" sourceName="Watch" startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 09:40:00 +0100">
  <MetadataEntry key="HKIndoorWorkout" value="1"/>
  <WorkoutActivity uuid="A" startDate="2024-03-01 08:00:00 +0100" duration="90" durationUnit="min">
   <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 09:40:00 +0100" sum="9999" unit="kcal"/>
  </WorkoutActivity>
  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 09:40:00 +0100" sum="2092" unit="kJ"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierDistanceCycling" startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 09:40:00 +0100" sum="30.5" unit="km"/>
  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 09:40:00 +0100" average="2.5" minimum="1.5" maximum="3" unit="count/s"/>
 </Workout>
`;
    const [workout] = samples((await readAll(appleHealthFormat, exportOf(body))).items);
    expect(workout!.sample).toMatchObject({ value: 1.5, unit: 'h', durationSeconds: 5400, categoryCode: 'HKWorkoutActivityTypeCycling' });
    expect(workout!.sample.metadata).toMatchObject({ indoor: true, totalDistanceMeters: 30500, averageHeartRateBpm: 150 });
    expect(workout!.sample.metadata!.totalEnergyKcal).toBeCloseTo(500, 9);
  });

  test('the sync identifier is the sourceRecordId and the sync version the sample\'s sourceVersion', async () => {
    const body = ` <Record type="HKQuantityTypeIdentifierBodyMass" sourceName="Scale" sourceVersion="7.1" unit="kg" startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 08:00:00 +0100" value="71.2">
  <MetadataEntry key="HKMetadataKeySyncIdentifier" value="scale-4711"/>
  <MetadataEntry key="HKMetadataKeySyncVersion" value="3"/>
 </Record>
`;
    const [weight] = samples((await readAll(appleHealthFormat, exportOf(body))).items);
    expect(weight!.sample).toMatchObject({ sourceRecordId: 'scale-4711', sourceVersion: 3, metadata: { syncIdentifier: 'scale-4711', syncVersion: 3, appVersion: '7.1' } });
  });

  test('entities, a comment and CDATA are read as XML says', async () => {
    const body = ` <!-- a comment with <Record> inside -->
 <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Tom &amp; Jerry&apos;s &#x1F4F1; &#8217;" unit="count" startDate="2024-03-01 08:00:00 +0100" endDate="2024-03-01 08:10:00 +0100" value="12"><![CDATA[ <Record> ]]></Record>
`;
    const { items } = await readAll(appleHealthFormat, exportOf(body));
    expect(samples(items).map((item) => item.sample.sourceId)).toEqual(['Tom & Jerry\'s 📱 ’']);
  });

  test('a record that cannot be a sample is an error item, and the records after it are read', async () => {
    const record = (start: string, value: string) =>
      ` <Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count" startDate="${start}" endDate="${start}" value="${value}"/>\n`;
    const body = record('yesterday', '1') + record('2024-03-01 08:00:00 +0100', 'many') + record('2024-03-01 08:00:00 +0100', '3');
    const { items, failure } = await readAll(appleHealthFormat, exportOf(body));
    expect(failure).toBeUndefined();
    expect(items.map((item) => item.kind)).toEqual(['error', 'error', 'sample']);
    expect(items[0]).toMatchObject({ code: 'INVALID_FIELD', record: 1, line: 7, message: expect.stringContaining('startDate') });
    expect(items[1]).toMatchObject({ record: 2, line: 8, message: expect.stringContaining('"many"') });
  });
});

describe('broken and foreign XML', () => {
  const whole = () => fileBytes('rgosdin-docs-export.xml');

  test('an export.xml cut in the middle fails TRUNCATED_FILE after every record before the cut', async () => {
    const bytes = whole();
    const complete = (await readAll(appleHealthFormat, bytes)).items;
    const cut = await readAll(appleHealthFormat, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expect(cut.failure?.code).toBe('TRUNCATED_FILE');
    expect(cut.items.length).toBeGreaterThan(1000);
    expect(cut.items).toEqual(complete.slice(0, cut.items.length));
    expect(cut.failure!.position.line).toBeGreaterThan(cut.items.at(-1)!.line - 1);
  });

  test('a broken tag part-way fails MALFORMED_FILE with its line, after the records before it', async () => {
    const text = new TextDecoder().decode(whole());
    const lines = text.split('\n');
    const at = lines.findIndex((line, k) => k > 2000 && line.includes('<Record'));
    lines[at] = lines[at]!.replace(/ unit="([^"]*)"/, ' unit=$1');
    expect(lines[at]).toMatch(/ unit=[^"]/);
    const broken = await readAll(appleHealthFormat, encoder.encode(lines.join('\n')));
    expect(broken.failure?.code).toBe('MALFORMED_FILE');
    expect(broken.failure?.position.line).toBe(at + 1);
    expect(broken.items.at(-1)!.line).toBeLessThan(at + 1);
  });

  test('XML that is not a Health export fails NOT_AN_EXPORT', async () => {
    const gpx = encoder.encode('<?xml version="1.0"?>\n<gpx version="1.1"><trk/></gpx>\n');
    expect((await readAll(appleHealthFormat, gpx)).failure?.code).toBe('NOT_AN_EXPORT');
  });

  test('a single tag longer than the scanner holds fails ELEMENT_TOO_LARGE instead of filling memory', async () => {
    const huge = encoder.encode(`<HealthData>\n <Record type="x" value="${'9'.repeat(3 * 2 ** 20)}"/>\n</HealthData>\n`);
    const result = await readAll(appleHealthFormat, huge);
    expect(result.failure?.code).toBe('ELEMENT_TOO_LARGE');
  });

  test('bytes that are not UTF-8 fail MALFORMED_FILE', async () => {
    const latin1 = new Uint8Array([...encoder.encode('<HealthData>\n <Record sourceName="Caf'), 0xe9, ...encoder.encode('"/>\n</HealthData>')]);
    expect((await readAll(appleHealthFormat, latin1)).failure?.code).toBe('MALFORMED_FILE');
  });
});

test('a PNG read as apple-health fails MALFORMED_FILE at once', async () => {
  const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const result = await readAll(appleHealthFormat, png);
  expect(result.items).toEqual([]);
  expect(result.failure?.code).toBe('MALFORMED_FILE');
});
