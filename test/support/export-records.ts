// The records of the genuine phone exports in ../shared/realdata, read the way a thin client
// reads them before uploading: a Health app export.xml (each top-level Record and Workout) and
// the Health Connect debug log (each "First record"/"Last record" JSON line, its record type
// from the "Reading X records" line above it). Values, units and dates stay as written; what
// they mean is for the uploader (thin-client.ts) and the service to decide.
//
// The XML reading is a scanner for these well-formed files, not a general parser: attributes in
// double quotes, the five entities and numeric references, MetadataEntry children. Records inside
// a Correlation are skipped (the export lists them at top level too).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REALDATA_DIR } from './realdata.ts';


export type ExportPlatform = 'healthkit' | 'healthconnect';

/** One value of a record as written: a single-valued record has one with field null. */
export interface WrittenValue {
  /** the record's field (Health Connect `distance`, `energy`, …), null for a single value */
  field: string | null;
  value: string | number | null;
  /** as written ('' included); null when the record writes none */
  unit: string | null;
}

export interface ExportRecord {
  /** file:line, for messages */
  at: string;
  platform: ExportPlatform;
  /** as the platform names it: HKQuantityTypeIdentifierStepCount, HKWorkoutTypeIdentifier, StepsRecord */
  type: string;
  source: string;
  /** HealthKit's sourceVersion attribute: the app's version string, not a sync version */
  sourceVersion: string | null;
  /** RFC 3339, with the offset the file wrote (Health Connect: its UTC instants) */
  startAt: string;
  endAt: string;
  /** the offset written with startAt; null when the file writes instants only (Health Connect) */
  writtenOffsetMinutes: number | null;
  /** none for a session that writes only its times (Health Connect sleep and exercise here) */
  values: WrittenValue[];
  /** a workout's activity (HKWorkoutActivityType…), else null */
  activity: string | null;
  /** MetadataEntry key → value */
  metadata: Record<string, string>;
}

export interface RealDataFile {
  name: string;
  path: string;
  platform: ExportPlatform;
}

/** Every file of ../shared/realdata: the Health app exports (*.xml) and the Health Connect log (*.md). */
export function realDataFiles(): RealDataFile[] {
  return readdirSync(REALDATA_DIR)
    .filter((name) => name.endsWith('.xml') || name.endsWith('.md'))
    .filter((name) => name !== 'README.md')
    .sort()
    .map((name) => ({ name, path: path.join(REALDATA_DIR, name), platform: name.endsWith('.xml') ? 'healthkit' : 'healthconnect' }));
}

export function readRecords(file: RealDataFile): ExportRecord[] {
  const text = readFileSync(file.path, 'utf8');
  return file.platform === 'healthkit' ? appleHealthRecords(text, file.name) : healthConnectLogRecords(text, file.name);
}

// ---- Health app export.xml

const ELEMENT = /<(Record|Workout|Correlation)\s|<\/Correlation>/g;
const ATTRIBUTE = /([A-Za-z_][\w:.-]*)="([^"]*)"/g;

export function appleHealthRecords(xml: string, fileName: string): ExportRecord[] {
  const records: ExportRecord[] = [];
  let inCorrelation = false;
  for (const match of xml.matchAll(ELEMENT)) {
    if (match[0] === '</Correlation>') {
      inCorrelation = false;
      continue;
    }
    const name = match[1]!;
    const tagEnd = xml.indexOf('>', match.index);
    const selfClosing = xml[tagEnd - 1] === '/';
    if (name === 'Correlation') {
      inCorrelation = !selfClosing;
      continue;
    }
    if (inCorrelation) continue;
    const attributes = attributesOf(xml.slice(match.index, tagEnd));
    const body = selfClosing ? '' : xml.slice(tagEnd + 1, xml.indexOf(`</${name}>`, tagEnd));
    const metadata: Record<string, string> = {};
    for (const entry of body.matchAll(/<MetadataEntry\s[^>]*>/g)) {
      const { key, value } = attributesOf(entry[0]);
      if (key !== undefined && value !== undefined) metadata[key] = value;
    }
    const line = xml.slice(0, match.index).split('\n').length;
    records.push(appleHealthRecord(name, attributes, metadata, `${fileName}:${line}`));
  }
  return records;
}

function appleHealthRecord(element: string, a: Record<string, string>, metadata: Record<string, string>, at: string): ExportRecord {
  const start = exportDate(a.startDate!);
  const end = exportDate(a.endDate!);
  const common = {
    at,
    platform: 'healthkit' as const,
    // the pre-iOS 9 dialect writes source= instead of sourceName=
    source: a.sourceName ?? a.source ?? 'unknown',
    sourceVersion: a.sourceVersion ?? null,
    startAt: start.rfc3339,
    endAt: end.rfc3339,
    writtenOffsetMinutes: start.offsetMinutes,
    metadata,
  };
  if (element === 'Workout') {
    return {
      ...common,
      type: 'HKWorkoutTypeIdentifier',
      values: [{ field: null, value: a.duration ?? null, unit: a.durationUnit ?? null }],
      activity: a.workoutActivityType ?? null,
    };
  }
  // the pre-iOS 9 dialect writes single-reading statistics (recordCount="1") as min/max/average
  const value = a.value ?? a.average ?? null;
  return { ...common, type: a.type!, values: [{ field: null, value, unit: a.unit ?? null }], activity: null };
}

function attributesOf(tag: string): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const [, name, value] of tag.matchAll(ATTRIBUTE)) attributes[name!] = decodeEntities(value!);
  return attributes;
}

function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-fA-F]+);/g, (_, entity: string) => {
    if (entity[0] === '#') return String.fromCodePoint(entity[1] === 'x' ? parseInt(entity.slice(2), 16) : Number(entity.slice(1)));
    return { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" }[entity as 'lt']!;
  });
}

/**
 * "2024-01-01 01:01:36 +0200" (Export Version 8 and later) or "20141018163200+0100" (before
 * iOS 9) → "2024-01-01T01:01:36+02:00", keeping the written offset.
 */
export function exportDate(text: string): { rfc3339: string; offsetMinutes: number } {
  const match = /^(\d{4})-?(\d{2})-?(\d{2})[ T]?(\d{2}):?(\d{2}):?(\d{2}) ?([+-])(\d{2}):?(\d{2})$/.exec(text.trim());
  if (!match) throw new Error(`not an export date: ${text}`);
  const [, y, mo, d, h, mi, s, sign, oh, om] = match;
  return {
    rfc3339: `${y}-${mo}-${d}T${h}:${mi}:${s}${sign}${oh}:${om}`,
    offsetMinutes: (sign === '-' ? -1 : 1) * (Number(oh) * 60 + Number(om)),
  };
}

// ---- Health Connect debug log (a React Native app's console)

/** "Reading Steps records" names the record type of the First/Last record lines below it. */
const READING = /Reading (\w+) records/;
const RECORD_LINE = /(?:First|Last) record: (\{.*\})\s*$/;

export function healthConnectLogRecords(log: string, fileName: string): ExportRecord[] {
  const records: ExportRecord[] = [];
  let recordType: string | null = null;
  log.split('\n').forEach((line, i) => {
    const reading = READING.exec(line);
    if (reading) recordType = `${reading[1]}Record`;
    const record = RECORD_LINE.exec(line);
    if (!record || recordType === null) return;
    // console.log prints an absent field as `undefined`, which JSON does not have
    const json = JSON.parse(record[1]!.replaceAll(': undefined', ': null')) as {
      data: Record<string, unknown>;
      startTime: string;
      endTime: string | null;
      source: string;
    };
    records.push(healthConnectRecord(recordType, json, `${fileName}:${i + 1}`));
  });
  return records;
}

function healthConnectRecord(
  type: string,
  json: { data: Record<string, unknown>; startTime: string; endTime: string | null; source: string },
  at: string,
): ExportRecord {
  let startAt = json.startTime;
  let endAt = json.endTime ?? json.startTime; // an instantaneous record (WeightRecord) has only a time
  const values: WrittenValue[] = [];
  for (const [field, written] of Object.entries(json.data)) {
    if (field === 'samplesCount') continue;
    if (field === 'firstSample' && typeof written === 'object' && written !== null) {
      // a series record (HeartRateRecord): one point, at its own time
      const point = written as Record<string, unknown>;
      startAt = endAt = String(point.time);
      for (const [name, value] of Object.entries(point)) if (name !== 'time') values.push({ field: null, value: value as number, unit: name });
    } else if (typeof written === 'number') {
      values.push({ field, value: written, unit: null });
    } else if (typeof written === 'object' && written !== null) {
      // a unit object ({"inMeters": 5.4, "inFeet": 17.7, …}): the first one written, with its Health Connect unit name
      const [getter, value] = Object.entries(written)[0]!;
      values.push({ field, value: value as number, unit: getter.slice(2, 3).toLowerCase() + getter.slice(3) });
    }
  }
  return {
    at,
    platform: 'healthconnect',
    type,
    source: json.source,
    sourceVersion: null,
    startAt,
    endAt,
    writtenOffsetMinutes: null,
    values,
    activity: null,
    metadata: {},
  };
}

/**
 * The phone's offset in the log: its days run from local midnight, logged as UTC instants
 * ("Day range: {…, "start": "2025-09-08T05:00:00.000Z"}" is midnight at UTC-5).
 */
export function healthConnectLogOffsetMinutes(log: string): number {
  const match = /Day range: \{[^}]*"start": "\d{4}-\d{2}-\d{2}T(\d{2}):(\d{2})/.exec(log);
  if (!match) throw new Error('no day range in the log');
  const minutesAfterUtcMidnight = Number(match[1]) * 60 + Number(match[2]);
  return minutesAfterUtcMidnight === 0 ? 0 : minutesAfterUtcMidnight <= 720 ? -minutesAfterUtcMidnight : 1440 - minutesAfterUtcMidnight;
}
