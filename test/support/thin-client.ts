// A thin client of the upload API, as an integrator would write one (CONTRACT §4, §5, §7): it
// learns each type's kind from GET /api/v1/health/metrics, turns exported records into samples
// with their values, units and dates as written, uploads them in batches (polling a queued one
// to its result) and pages through GET /api/v1/health/samples. It knows no unit factors and no
// category tables: reading them is the service's job.
import { createHash } from 'node:crypto';
import { batch, getJson, upload, type SampleInput } from './batches.ts';
import type { ExportRecord } from './export-records.ts';
import { until } from './poll.ts';

export interface CatalogMetric {
  code: string;
  kind: 'SCALAR_NUM' | 'CUMULATIVE_NUM' | 'INTERVAL_NUM' | 'CATEGORY';
  canonicalUnit: string | null;
  categories: string[] | null;
  aliases: string[];
}

/** A sample built from a record, with where it came from. */
export interface RecordSample {
  record: ExportRecord;
  sample: SampleInput;
}

export interface SampleOutcome {
  sample: SampleInput;
  record: ExportRecord;
  /** null when accepted */
  failure: { code: string; message: string; path?: string } | null;
}

export class ThinClient {
  private catalog: Map<string, CatalogMetric> | undefined;

  constructor(
    readonly baseUrl: string,
    readonly token: string,
    /** headers on every upload (X-Timezone-Offset: the phone's offset, for records without one) */
    readonly uploadHeaders: Record<string, string> = {},
  ) {}

  /** Codes and platform aliases → metric, from GET /api/v1/health/metrics (fetched once). */
  async metrics(): Promise<Map<string, CatalogMetric>> {
    if (this.catalog) return this.catalog;
    const response = await getJson(this.baseUrl, '/api/v1/health/metrics', this.token);
    if (response.status !== 200) throw new Error(`GET /metrics answered ${response.status}`);
    const byName = new Map<string, CatalogMetric>();
    for (const metric of response.body.metrics as CatalogMetric[]) {
      byName.set(metric.code, metric);
      for (const alias of metric.aliases) byName.set(alias, metric);
    }
    return (this.catalog = byName);
  }

  /**
   * One sample per value of the record (a Health Connect record with several values names one
   * metric each, `Record.field`, where the catalog has such a name). The record type is the
   * metricCode; an unknown type is sent anyway (the service answers UNKNOWN_METRIC).
   */
  async samplesOf(record: ExportRecord): Promise<RecordSample[]> {
    const catalog = await this.metrics();
    const values = record.values.length > 0 ? record.values : [{ field: null, value: null, unit: null }];
    return values.map((written) => {
      const fieldName = written.field === null ? null : `${record.type}.${written.field}`;
      const metricCode = fieldName !== null && catalog.has(fieldName) ? fieldName : record.type;
      const kind = catalog.get(metricCode)?.kind ?? 'SCALAR_NUM';
      const sample: SampleInput = {
        sourceId: record.source,
        sourceRecordId: recordIdOf(record, written.field),
        metricCode,
        valueKind: kind,
        startAt: record.startAt,
        endAt: record.endAt,
      };
      if (kind === 'CATEGORY') {
        // a category value as written (a name or a raw integer); none → the type's default
        if (written.value !== null && written.value !== '') sample.categoryCode = String(written.value);
        if (written.unit !== null) sample.unit = written.unit; // as written: old exports write unit=""
      } else if (written.value === null) {
        // a session that writes only its times: its duration
        Object.assign(sample, { value: secondsBetween(record), unit: 's' });
      } else {
        Object.assign(sample, { value: Number(written.value), unit: written.unit ?? 'count' });
      }
      if (kind === 'INTERVAL_NUM') {
        sample.durationSeconds = secondsBetween(record);
        if (record.activity !== null) sample.categoryCode = record.activity;
      }
      // HKMetadataKeyTimeZone where present (the export's own offset is the one at export time);
      // else the offset written with the date; else the upload's header decides
      const zone = record.metadata.HKTimeZone ?? record.metadata.HKMetadataKeyTimeZone;
      const metadata: Record<string, unknown> = {};
      if (record.sourceVersion !== null) metadata.appVersion = record.sourceVersion;
      if (zone !== undefined) metadata.timeZone = zone;
      else if (record.writtenOffsetMinutes !== null) sample.timezoneOffsetMinutes = record.writtenOffsetMinutes;
      if (Object.keys(metadata).length > 0) sample.metadata = metadata;
      return { record, sample };
    });
  }

  /** Uploads in batches of `batchSize`; a queued batch is polled to its result. Outcomes in input order. */
  async upload(samples: readonly RecordSample[], batchSize = 250): Promise<SampleOutcome[]> {
    const outcomes: SampleOutcome[] = [];
    for (let at = 0; at < samples.length; at += batchSize) {
      const part = samples.slice(at, at + batchSize);
      const body = batch(part.map((s) => s.sample));
      let response = await upload(this.baseUrl, this.token, body, this.uploadHeaders);
      if (response.status === 202) {
        const done = await until(
          () => getJson(this.baseUrl, `/api/v1/health/ingest-requests/${body.requestId}`, this.token),
          (answer) => answer.body?.status === 'completed',
          30_000,
          'queued batch completed',
        );
        response = { ...response, status: done.body.result.statusCode, body: done.body.result.body };
      }
      if (response.status !== 200 && response.status !== 207) {
        throw new Error(`upload answered ${response.status}: ${JSON.stringify(response.body).slice(0, 300)}`);
      }
      const failures = new Map<number, SampleOutcome['failure']>();
      for (const { index, code, message, path } of response.body.failed) failures.set(index, { code, message, ...(path ? { path } : {}) });
      part.forEach(({ sample, record }, i) => outcomes.push({ sample, record, failure: failures.get(i) ?? null }));
    }
    return outcomes;
  }

  /** Every live sample of the user, page by page. */
  async readAllSamples(): Promise<Record<string, any>[]> {
    const items: Record<string, any>[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor === null ? 'limit=1000' : `limit=1000&cursor=${encodeURIComponent(cursor)}`;
      const page = await getJson(this.baseUrl, `/api/v1/health/samples?${query}`, this.token);
      if (page.status !== 200) throw new Error(`GET /samples answered ${page.status}`);
      items.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null);
    return items;
  }
}

/** Exports carry no record ids: one is derived from the record itself, so a re-upload matches. */
export function recordIdOf(record: ExportRecord, field: string | null): string {
  const written = record.values.map((v) => `${v.field}=${v.value}${v.unit}`).join(';');
  const identity = [record.platform, record.type, record.source, record.startAt, record.endAt, written, record.activity].join('|');
  return `${createHash('sha256').update(identity).digest('hex').slice(0, 32)}${field === null ? '' : `.${field}`}`;
}

function secondsBetween(record: ExportRecord): number {
  return (Date.parse(record.endAt) - Date.parse(record.startAt)) / 1000;
}
