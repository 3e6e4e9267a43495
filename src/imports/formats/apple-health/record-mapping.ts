// One top-level element of export.xml → an import item (CONTRACT §9, the "apple-health" rules).
//
// - Record → a sample: type → metricCode (as written; the catalog resolves aliases), value/unit,
//   or for a CATEGORY metric value → categoryCode; sourceName (pre-iOS 9: source) → sourceId;
//   the sourceVersion attribute (an app version string) → metadata.appVersion; device →
//   deviceModel/deviceManufacturer/osVersion; metadata keys through metadata-keys.ts.
// - Workout → a sample of HKWorkoutTypeIdentifier: value = duration in its durationUnit,
//   categoryCode = workoutActivityType, totals into metadata in m / kcal / bpm.
// - Everything else (Correlation, whose members the export repeats at top level; ActivitySummary,
//   ClinicalRecord, Me, ExportDate, …) → skipped, by element name.
// - Time zone: HKTimeZone on the record wins (metadata.timeZone, no offset); else the caller's
//   zone (metadata.timeZone, no offset); else the offset written in startDate.
// - sourceRecordId: HKMetadataKeySyncIdentifier where present, else derived (record-id.ts).

import type { SampleBodyT } from '../../../domain/ingest/upload-schema.ts';
import type { ValueKind } from '../../../domain/types.ts';
import type { ImportItem, KindOf } from '../../format.ts';
import { parseDevice, type DeviceFields } from './device.ts';
import type { ExportAttributes } from './export-attributes.ts';
import { exportInstant, parseExportDate, type ExportDate } from './export-dates.ts';
import { applyMetadataEntry, METADATA_KEYS } from './metadata-keys.ts';
import { derivedRecordId } from './record-id.ts';
import { decodeXmlEntities } from './xml-entities.ts';

/** A top-level child of <HealthData>, with what the mapping needs of its children. */
export interface ExportElement {
  name: string;
  attributes: ExportAttributes;
  /** MetadataEntry children as [key, value, key, value, …]. */
  metadataEntries: string[];
  /** Attributes of direct WorkoutStatistics children (workouts of iOS 16 and later). */
  statistics: ExportAttributes[];
  /** Direct WorkoutRoute children (counted as skipped). */
  routes: number;
  record: number;
  line: number;
}

export interface MappingContext {
  kindOf: KindOf;
  timeZone?: string;
}

export const WORKOUT_METRIC = 'HKWorkoutTypeIdentifier';
const MAX_CACHED_DEVICES = 4096;

/** A sample, or what is wrong with the element. */
type SampleOrError = SampleBodyT | string;

export class ExportRecordMapper {
  private readonly devices = new Map<string, DeviceFields>();
  /** The export lists records grouped by type: the last type's kind is asked of the catalog once. */
  private lastType = '';
  private lastKind: ValueKind = 'SCALAR_NUM';
  /** Set by common() for the element being mapped. */
  private start: ExportDate = { rfc3339: '', epochMs: 0, offsetMinutes: 0 };
  private end: ExportDate | undefined;
  private deviceIdentity = '';

  constructor(private readonly context: MappingContext) {}

  /** Appends the items of one element to `out`, in order (a workout is followed by its skipped routes). */
  map(element: ExportElement, nextRecord: () => number, out: ImportItem[]): void {
    const { record, line } = element;
    if (element.name !== 'Record' && element.name !== 'Workout') {
      out.push({ kind: 'skipped', type: element.name, record, line });
      return;
    }
    const mapped = element.name === 'Record' ? this.record(element) : this.workout(element);
    out.push(
      typeof mapped === 'string'
        ? { kind: 'error', code: 'INVALID_FIELD', message: mapped, record, line }
        : { kind: 'sample', sample: mapped, record, line },
    );
    for (let k = 0; k < element.routes; k += 1) out.push({ kind: 'skipped', type: 'WorkoutRoute', record: nextRecord(), line });
  }

  private record(element: ExportElement): SampleOrError {
    const a = element.attributes;
    const type = a.type;
    if (type === undefined || type.length === 0) return '<Record> has no type';
    const sample = this.common(element, type);
    if (typeof sample === 'string') return sample;
    const { start, end, deviceIdentity: device } = this;
    if (type !== this.lastType) {
      this.lastKind = this.context.kindOf(type) ?? guessKind(type);
      this.lastType = type;
    }
    const kind = this.lastKind;
    sample.valueKind = kind;

    let valueText = a.value;
    if (kind === 'CATEGORY') {
      if (valueText !== undefined && valueText.length > 0) sample.categoryCode = valueText;
      if (a.unit !== undefined && a.unit.length > 0) sample.unit = a.unit;
    } else {
      // Pre-iOS 9 statistics records carry min/max/average instead of a value.
      if (valueText === undefined && a.average !== undefined) valueText = a.average;
      if (valueText !== undefined && valueText.length > 0) {
        const value = Number(valueText);
        if (!Number.isFinite(value)) return `value "${valueText}" of ${type} is not a number`;
        sample.value = value;
      }
      if (a.unit !== undefined && a.unit.length > 0) sample.unit = a.unit;
      if (kind === 'INTERVAL_NUM' && end !== undefined) sample.durationSeconds = Math.max(0, (end.epochMs - start.epochMs) / 1000);
    }
    if (sample.sourceRecordId.length === 0) {
      sample.sourceRecordId = derivedRecordId([
        'record',
        type,
        sample.sourceId,
        a.sourceVersion ?? '',
        device,
        a.unit ?? '',
        valueText ?? `${a.min ?? ''}/${a.max ?? ''}`,
        String(start.epochMs),
        end === undefined ? '' : String(end.epochMs),
        instantOf(a.creationDate),
      ]);
    }
    return sample;
  }

  private workout(element: ExportElement): SampleOrError {
    const a = element.attributes;
    const sample = this.common(element, WORKOUT_METRIC);
    if (typeof sample === 'string') return sample;
    const { start, end, deviceIdentity: device } = this;
    sample.valueKind = this.context.kindOf(WORKOUT_METRIC) ?? 'INTERVAL_NUM';
    const activity = a.workoutActivityType;
    if (activity !== undefined && activity.length > 0) sample.categoryCode = activity;

    const elapsedSeconds = end === undefined ? 0 : Math.max(0, (end.epochMs - start.epochMs) / 1000);
    const durationText = a.duration;
    if (durationText !== undefined && durationText.length > 0) {
      const duration = Number(durationText);
      if (!Number.isFinite(duration)) return `duration "${durationText}" of a workout is not a number`;
      const unit = a.durationUnit !== undefined && a.durationUnit.length > 0 ? a.durationUnit : 'min';
      sample.value = duration;
      sample.unit = unit;
      const seconds = convert(duration, unit, SECONDS);
      sample.durationSeconds = seconds ?? elapsedSeconds;
    } else {
      sample.value = elapsedSeconds;
      sample.unit = 's';
      sample.durationSeconds = elapsedSeconds;
    }

    const metadata = sample.metadata!;
    const distance = total(a.totalDistance, a.totalDistanceUnit, METERS) ?? statistic(element, isDistance, 'sum', METERS);
    const energy = total(a.totalEnergyBurned, a.totalEnergyBurnedUnit, KILOCALORIES) ?? statistic(element, isActiveEnergy, 'sum', KILOCALORIES);
    const heartRate = statistic(element, isHeartRate, 'average', BEATS_PER_MINUTE);
    if (distance !== undefined) metadata.totalDistanceMeters = distance;
    if (energy !== undefined) metadata.totalEnergyKcal = energy;
    if (heartRate !== undefined) metadata.averageHeartRateBpm = heartRate;

    if (sample.sourceRecordId.length === 0) {
      sample.sourceRecordId = derivedRecordId([
        'workout',
        activity ?? '',
        sample.sourceId,
        a.sourceVersion ?? '',
        device,
        durationText ?? '',
        a.durationUnit ?? '',
        String(start.epochMs),
        end === undefined ? '' : String(end.epochMs),
        instantOf(a.creationDate),
      ]);
    }
    return sample;
  }

  /**
   * Source, dates, time zone, metadata and the sync identifier, shared by records and workouts.
   * The dates and the device identity are left in this.start/end/deviceIdentity for the caller.
   */
  private common(element: ExportElement, metricCode: string): SampleBodyT | string {
    const a = element.attributes;
    const sourceId = a.sourceName ?? a.source;
    if (sourceId === undefined || sourceId.length === 0) return `${describe(element)} has no sourceName`;
    if (a.startDate === undefined) return `${describe(element)} has no startDate`;
    const start = parseExportDate(a.startDate);
    if (start === undefined) return `startDate "${a.startDate}" of ${describe(element)} is not a date`;
    let end: ExportDate | undefined;
    if (a.endDate !== undefined && a.endDate.length > 0) {
      end = parseExportDate(a.endDate);
      if (end === undefined) return `endDate "${a.endDate}" of ${describe(element)} is not a date`;
    }

    const metadata: Record<string, unknown> = {};
    let device = '';
    if (a.device !== undefined && a.device.length > 0) {
      const fields = this.device(a.device);
      if (fields === undefined) return `the device of ${describe(element)} holds an unknown XML entity`;
      device = fields.identity;
      if (fields.deviceModel !== undefined) metadata.deviceModel = fields.deviceModel;
      if (fields.deviceManufacturer !== undefined) metadata.deviceManufacturer = fields.deviceManufacturer;
      if (fields.osVersion !== undefined) metadata.osVersion = fields.osVersion;
    }
    if (a.sourceVersion !== undefined && a.sourceVersion.length > 0) metadata.appVersion = a.sourceVersion;
    // Pre-iOS 9 exports write metadata as attributes of the record (HKWasUserEntered="1").
    const others = a.others;
    for (let k = 0; k < others.length; k += 2) {
      const target = METADATA_KEYS.get(others[k]!);
      if (target !== undefined) applyMetadataEntry(metadata, target, others[k + 1]!);
    }
    const entries = element.metadataEntries;
    for (let k = 0; k < entries.length; k += 2) {
      const target = METADATA_KEYS.get(entries[k]!);
      if (target === 'deviceManufacturer' && metadata.deviceManufacturer !== undefined) continue;
      if (target !== undefined) applyMetadataEntry(metadata, target, entries[k + 1]!);
    }

    const sample: SampleBodyT = {
      sourceId,
      sourceRecordId: typeof metadata.syncIdentifier === 'string' ? metadata.syncIdentifier : '',
      metricCode,
      valueKind: 'SCALAR_NUM',
      startAt: start.rfc3339,
    };
    if (end !== undefined) sample.endAt = end.rfc3339;
    if (typeof metadata.syncVersion === 'number') sample.sourceVersion = metadata.syncVersion;
    if (metadata.timeZone === undefined) {
      if (this.context.timeZone !== undefined) metadata.timeZone = this.context.timeZone;
      else sample.timezoneOffsetMinutes = start.offsetMinutes;
    }
    sample.metadata = metadata;
    this.start = start;
    this.end = end;
    this.deviceIdentity = device;
    return sample;
  }

  /** The fields of a device description as the scanner leaves it (XML-encoded); undefined if its entities are broken. */
  private device(encoded: string): DeviceFields | undefined {
    // Descriptions differ per record only by their address (<<HKDevice: 0x…>, …): what follows
    // it is parsed once per distinct form.
    const afterAddress = encoded.indexOf('&gt;, ');
    const key = afterAddress === -1 ? encoded : encoded.slice(afterAddress + 6);
    let fields = this.devices.get(key);
    if (fields === undefined) {
      const description = decodeXmlEntities(encoded);
      if (description === undefined) return undefined;
      if (this.devices.size >= MAX_CACHED_DEVICES) this.devices.clear();
      fields = parseDevice(description);
      this.devices.set(key, fields);
    }
    return fields;
  }
}

/** When the catalog does not know a type, its identifier's family decides (validation will refuse it anyway). */
function guessKind(type: string): ValueKind {
  if (type.startsWith('HKCategoryTypeIdentifier')) return 'CATEGORY';
  return 'SCALAR_NUM';
}

/** How an error names the element ("<Record HKQuantityTypeIdentifierStepCount>"), built only for errors. */
function describe(element: ExportElement): string {
  return `<${element.name}${element.attributes.type ? ` ${element.attributes.type}` : ''}>`;
}

function instantOf(text: string | undefined): string {
  if (text === undefined) return '';
  const epochMs = exportInstant(text);
  return epochMs === undefined ? text : String(epochMs);
}

// ---- units of the workout totals (canonical = value × factor)

type Factors = Readonly<Record<string, number>>;
const METERS: Factors = { m: 1, km: 1000, mi: 1609.344, ft: 0.3048, yd: 0.9144, cm: 0.01 };
const KILOCALORIES: Factors = { kcal: 1, Cal: 1, kJ: 1 / 4.184, cal: 0.001, J: 1 / 4184 };
const SECONDS: Factors = { s: 1, min: 60, h: 3600, hr: 3600, ms: 0.001, d: 86400 };
const BEATS_PER_MINUTE: Factors = { 'count/min': 1, 'count/s': 60, bpm: 1 };

function convert(value: number, unit: string, factors: Factors): number | undefined {
  const factor = factors[unit];
  return factor === undefined ? undefined : value * factor;
}

function total(valueText: string | undefined, unit: string | undefined, factors: Factors): number | undefined {
  if (valueText === undefined || valueText.length === 0 || unit === undefined) return undefined;
  const value = Number(valueText);
  return Number.isFinite(value) ? convert(value, unit, factors) : undefined;
}

function statistic(
  element: ExportElement,
  matches: (type: string) => boolean,
  field: 'sum' | 'average',
  factors: Factors,
): number | undefined {
  for (const statistics of element.statistics) {
    if (statistics.type === undefined || !matches(statistics.type)) continue;
    const converted = total(statistics[field], statistics.unit, factors);
    if (converted !== undefined) return converted;
  }
  return undefined;
}

const isDistance = (type: string) => type.startsWith('HKQuantityTypeIdentifierDistance');
const isActiveEnergy = (type: string) => type === 'HKQuantityTypeIdentifierActiveEnergyBurned';
const isHeartRate = (type: string) => type === 'HKQuantityTypeIdentifierHeartRate';

