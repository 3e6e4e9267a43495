// Every record of every genuine export in ../shared/realdata pushed through the HTTP API as a thin
// client would (test/support/thin-client.ts): the record type as metricCode, unit and value as
// written (category values as categoryCode), the written dates as RFC 3339 with their offset,
// HealthKit's sourceVersion as metadata.appVersion, the kind learned from GET /metrics. Each file
// must go in at ≥ 99 %, and every value read back (GET /samples) must equal the conversion this
// file does on its own — its own unit table, not the catalog's factors.
import { afterAll, beforeAll, describe, expect, test } from 'bun:test';
import { readFileSync } from 'node:fs';
import { healthConnectLogOffsetMinutes, readRecords, realDataFiles, type ExportPlatform } from '../support/export-records.ts';
import { startTestService, type TestService } from '../support/service.ts';
import { ThinClient, type SampleOutcome } from '../support/thin-client.ts';

let service: TestService;
beforeAll(async () => {
  service = await startTestService({ worker: true });
});
afterAll(() => service.close());

// ---- the test's own reading of units: spelling → [quantity, factor to that quantity's base]

type Quantity = 'length' | 'mass' | 'energy' | 'volume' | 'time' | 'per-minute' | 'number' | 'percent' | 'temperature';

const UNITS: Record<string, [Quantity, number]> = {
  m: ['length', 1], meters: ['length', 1], km: ['length', 1000], kilometers: ['length', 1000], cm: ['length', 0.01],
  mi: ['length', 1609.344], miles: ['length', 1609.344], ft: ['length', 0.3048], feet: ['length', 0.3048],
  in: ['length', 0.0254], inches: ['length', 0.0254],
  kg: ['mass', 1], kilograms: ['mass', 1], g: ['mass', 0.001], grams: ['mass', 0.001], mg: ['mass', 1e-6],
  lb: ['mass', 0.45359237], pounds: ['mass', 0.45359237], oz: ['mass', 0.028349523125], ounces: ['mass', 0.028349523125],
  kcal: ['energy', 1], kilocalories: ['energy', 1], Cal: ['energy', 1], kJ: ['energy', 1 / 4.184], kilojoules: ['energy', 1 / 4.184],
  cal: ['energy', 0.001], calories: ['energy', 0.001], J: ['energy', 1 / 4184], joules: ['energy', 1 / 4184],
  mL: ['volume', 1], milliliters: ['volume', 1], L: ['volume', 1000], liters: ['volume', 1000], fluidOuncesUs: ['volume', 29.5735295625],
  s: ['time', 1], min: ['time', 60], h: ['time', 3600], hr: ['time', 3600],
  'count/min': ['per-minute', 1], 'count/s': ['per-minute', 60], bpm: ['per-minute', 1], beatsPerMinute: ['per-minute', 1],
  // counts and other pure numbers (HealthKit writes BMI and the UV index in "count")
  count: ['number', 1], 'kg/m²': ['number', 1], 'kg/m2': ['number', 1],
  '%': ['percent', 1], percent: ['percent', 1],
  degC: ['temperature', 1],
};

/** HealthKit writes a percentage as a fraction of one: 0.153 "%" is 15.3 %. */
const factorOf = (unit: string, platform: ExportPlatform): [Quantity, number] => {
  const known = UNITS[unit];
  if (known === undefined) throw new Error(`the test has no reading of the unit "${unit}"`);
  return unit === '%' && platform === 'healthkit' ? ['percent', 100] : known;
};

/** The value sent, in the unit the service answers with: the test's own conversion. */
function expectedValue(value: number, sentUnit: string, answeredUnit: string, platform: ExportPlatform): number {
  const [sentQuantity, sentFactor] = factorOf(sentUnit, platform);
  const [answeredQuantity, answeredFactor] = factorOf(answeredUnit, 'healthconnect');
  if (sentQuantity !== answeredQuantity) throw new Error(`${sentUnit} answered in ${answeredUnit}`);
  return (value * sentFactor) / answeredFactor;
}

/** HealthKit sleep analysis: HKCategoryValueSleepAnalysis… names and raw values (HKCategoryValues.h). */
const HEALTHKIT_SLEEP: Record<string, string> = {
  HKCategoryValueSleepAnalysisInBed: 'in_bed', 0: 'in_bed',
  HKCategoryValueSleepAnalysisAsleep: 'asleep', HKCategoryValueSleepAnalysisAsleepUnspecified: 'asleep', 1: 'asleep',
  HKCategoryValueSleepAnalysisAwake: 'awake', 2: 'awake',
  HKCategoryValueSleepAnalysisAsleepCore: 'core', 3: 'core',
  HKCategoryValueSleepAnalysisAsleepDeep: 'deep', 4: 'deep',
  HKCategoryValueSleepAnalysisAsleepREM: 'rem', 5: 'rem',
};

/** Minutes east of UTC in `zone` at `ms`: the zone's wall clock read as UTC, minus the instant. */
function wallClockOffset(zone: string, ms: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric',
  }).formatToParts(ms);
  const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
  return Math.round((Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute')) - Math.floor(ms / 60_000) * 60_000) / 60_000);
}

const RECORDS_PER_README: Record<string, number> = { 'rgosdin-docs-export.xml': 3352, 'ericwolter-export.xml': 3067 };

const key = (sourceId: string, sourceRecordId: string, metricCode: string) => JSON.stringify([sourceId, sourceRecordId, metricCode]);

describe('genuine phone exports through the upload API', () => {
  for (const file of realDataFiles()) {
    test(`${file.name}: ≥ 99 % of its records accepted, every value read back as converted here`, async () => {
      const userId = crypto.randomUUID();
      const token = await service.token(userId);
      const headers: Record<string, string> =
        file.platform === 'healthconnect' ? { 'x-timezone-offset': String(healthConnectLogOffsetMinutes(readFileSync(file.path, 'utf8'))) } : {};
      const client = new ThinClient(service.baseUrl, token, headers);
      const catalog = await client.metrics();

      const records = readRecords(file);
      // the counts ../shared/realdata/README.md gives for the complete exports
      if (file.name in RECORDS_PER_README) expect(records.length).toBe(RECORDS_PER_README[file.name]!);
      const samples = (await Promise.all(records.map((record) => client.samplesOf(record)))).flat();
      // a thin client sends full batches: the larger files go through the queue as well
      const outcomes = await client.upload(samples, 450);

      const failed = outcomes.filter((outcome) => outcome.failure !== null);
      const accepted = outcomes.length - failed.length;
      const byReason = new Map<string, number>();
      for (const { sample, failure } of failed) {
        const reason = `${sample.metricCode} [${String(sample.unit ?? '')}] ${failure!.code}: ${failure!.message}`;
        byReason.set(reason, (byReason.get(reason) ?? 0) + 1);
      }
      const report = [...byReason].map(([reason, n]) => `${n} × ${reason}`).join('\n');
      expect({ file: file.name, records: records.length, samples: outcomes.length, accepted, ratio: accepted / outcomes.length >= 0.99, report }).toMatchObject({ ratio: true });
      if (process.env.REALDATA_REPORT) console.log(JSON.stringify({ file: file.name, records: records.length, samples: outcomes.length, accepted, report }));

      // read back: the last accepted occurrence of each key, compared with the test's own conversion
      const items = new Map((await client.readAllSamples()).map((item) => [key(item.sourceId, item.sourceRecordId, item.metricCode), item]));
      const lastByKey = new Map<string, SampleOutcome>();
      for (const outcome of outcomes) {
        if (outcome.failure !== null) continue;
        const metric = catalog.get(String(outcome.sample.metricCode))!;
        lastByKey.set(key(String(outcome.sample.sourceId), String(outcome.sample.sourceRecordId), metric.code), outcome);
      }
      expect(items.size).toBe(lastByKey.size);
      for (const [itemKey, { sample, record }] of lastByKey) {
        const item = items.get(itemKey);
        expect(item === undefined ? `${itemKey} not read back` : 'read back').toBe('read back');
        expect(Date.parse(item!.startAt)).toBe(Date.parse(String(sample.startAt)));
        expect(Date.parse(item!.endAt)).toBe(Date.parse(String(sample.endAt)));
        if (typeof sample.value === 'number') {
          const expected = expectedValue(sample.value, String(sample.unit), item!.unit, file.platform);
          const close = Math.abs(item!.value - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
          expect(close ? 'equal' : `${record.at}: ${sample.value} ${sample.unit} read back as ${item!.value} ${item!.unit}, expected ${expected}`).toBe('equal');
        }
        if (record.type === 'HKCategoryTypeIdentifierSleepAnalysis') {
          expect({ at: record.at, category: item!.categoryCode }).toEqual({ at: record.at, category: HEALTHKIT_SLEEP[String(sample.categoryCode)] });
        }
        if (item!.valueKind === 'CATEGORY') expect(item!.categoryCode).not.toBeNull();
        if (sample.timezoneOffsetMinutes !== undefined) {
          expect([item!.timezoneOffsetMinutes, item!.timezoneSource]).toEqual([sample.timezoneOffsetMinutes, 'sample']);
        } else if ((sample.metadata as { timeZone?: string } | undefined)?.timeZone !== undefined) {
          const zone = (sample.metadata as { timeZone: string }).timeZone;
          expect([item!.timezoneOffsetMinutes, item!.timezoneSource]).toEqual([wallClockOffset(zone, Date.parse(String(sample.startAt))), 'zone']);
        } else {
          expect([item!.timezoneOffsetMinutes, item!.timezoneSource]).toEqual([Number(headers['x-timezone-offset']), 'header']);
        }
        if (record.sourceVersion !== null) expect(item!.metadata.appVersion).toBe(record.sourceVersion);
      }
    }, 120_000);
  }
});
