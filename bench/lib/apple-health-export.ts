// Generates a large Health app export in the current format, from the real records in
// ../shared/realdata/: the DOCTYPE, <ExportDate>, <Me>, Records grouped by type with their
// MetadataEntry children (heart rate with its motion context, sleep stages with HKTimeZone, a
// scale's records with sync identifiers), blood-pressure correlations whose members are repeated
// at top level, workouts with WorkoutStatistics and a route, one ActivitySummary per day. Dates
// are shifted onto one timeline and written with the export's offset (+0100 all year, the trap
// the reader must survive); values and sources vary. Deterministic from the seed.
//
// Usage: bun run bench/lib/apple-health-export.ts [--records 1000000] [--seed 1] --out export.zip|export.xml

import { seededRandom } from '../../test/support/seeded-random.ts';
import { loadRecordTemplates, CURRENT_DOCTYPE, type RecordTemplate } from './export-templates.ts';
import { StreamingZipWriter } from './streaming-zip.ts';

export interface ExportShape {
  /** Top-level Records and Workouts (containers and summaries come on top). */
  records: number;
  seed: number;
}

/** What was written, by element: "Record" types by their type, other elements by name. */
export type ElementCounts = Record<string, number>;

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
const ORIGIN_MS = Date.UTC(2023, 0, 1);
const WRITTEN_OFFSET = '+0100';
const PIECE_CHARS = 256 * 1024;

type Role = 'watch' | 'phone' | 'scale';
interface Stream {
  type: string;
  share: number;
  role: Role;
  /** Seconds the sample lasts (at most half the gap to the next one). */
  seconds: [number, number];
  value: (random: () => number, template: RecordTemplate) => string | undefined;
  /** Escaped [key, value] metadata beyond the template's. */
  metadata?: (random: () => number, index: number) => [string, string][];
}

const int = (low: number, high: number) => (random: () => number) => String(Math.floor(low + random() * (high - low + 1)));
const scaled = (decimals: number) => (random: () => number, template: RecordTemplate) =>
  (Number(valueOf(template) ?? 1) * (0.3 + random() * 2.7)).toFixed(decimals);
const SLEEP_STAGES = ['InBed', 'AsleepCore', 'AsleepDeep', 'AsleepREM', 'AsleepCore', 'Awake'];

const STREAMS: Stream[] = [
  { type: 'HKQuantityTypeIdentifierHeartRate', share: 0.3, role: 'watch', seconds: [0, 0], value: int(48, 180),
    metadata: (random) => (random() < 0.6 ? [['HKMetadataKeyHeartRateMotionContext', String(Math.floor(random() * 3))]] : []) },
  { type: 'HKQuantityTypeIdentifierActiveEnergyBurned', share: 0.22, role: 'watch', seconds: [20, 70], value: scaled(3) },
  { type: 'HKQuantityTypeIdentifierStepCount', share: 0.14, role: 'phone', seconds: [60, 600], value: int(1, 1500) },
  { type: 'HKQuantityTypeIdentifierDistanceWalkingRunning', share: 0.12, role: 'phone', seconds: [60, 600], value: scaled(5) },
  { type: 'HKQuantityTypeIdentifierAppleExerciseTime', share: 0.04, role: 'watch', seconds: [60, 60], value: () => '1' },
  { type: 'HKQuantityTypeIdentifierAppleStandTime', share: 0.04, role: 'watch', seconds: [60, 300], value: int(1, 5) },
  { type: 'HKQuantityTypeIdentifierFlightsClimbed', share: 0.04, role: 'phone', seconds: [2, 10], value: int(1, 4) },
  { type: 'HKCategoryTypeIdentifierSleepAnalysis', share: 0.05, role: 'watch', seconds: [300, 3600],
    value: (random) => `HKCategoryValueSleepAnalysis${SLEEP_STAGES[Math.floor(random() * SLEEP_STAGES.length)]}`,
    metadata: () => [['HKTimeZone', 'Europe/Amsterdam']] },
  { type: 'HKQuantityTypeIdentifierBodyMassIndex', share: 0.01, role: 'scale', seconds: [0, 0], value: (random) => (20 + random() * 6).toFixed(4),
    metadata: (_random, index) => [['HKMetadataKeySyncIdentifier', `withings-bmi-${index}`], ['HKMetadataKeySyncVersion', '1']] },
  { type: 'HKCategoryTypeIdentifierMindfulSession', share: 0.003, role: 'phone', seconds: [300, 1800], value: () => undefined },
  { type: 'HKQuantityTypeIdentifierUVExposure', share: 0.002, role: 'phone', seconds: [0, 0], value: int(1, 9) },
  { type: 'HKQuantityTypeIdentifierNumberOfTimesFallen', share: 0.001, role: 'phone', seconds: [0, 0], value: int(1, 3) },
];
const BLOOD_PRESSURE_SHARE = 0.02; // both members of each pair
const WORKOUT_SHARE = 0.002;

const SOURCES: Record<Role, { name: string; hardware?: string; software: string; model?: string }[]> = {
  watch: [
    { name: 'Alexandre’s Apple Watch', hardware: 'Watch6,7', software: '10.2', model: 'Watch' },
    { name: 'Apple Watch', hardware: 'Watch2,4', software: '4.3.1', model: 'Watch' },
  ],
  phone: [
    { name: 'Ryan Phone', hardware: 'iPhone10,4', software: '12.3', model: 'iPhone' },
    { name: 'Alexandre’s iPhone', hardware: 'iPhone15,2', software: '17.2.1', model: 'iPhone' },
  ],
  scale: [{ name: 'Health Mate', software: '2160040' }],
};

function valueOf(template: RecordTemplate): string | undefined {
  return template.attributes.find(([name]) => name === 'value')?.[1];
}

function exportDate(epochMs: number): string {
  const iso = new Date(epochMs + HOUR_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} ${WRITTEN_OFFSET}`;
}

function deviceOf(source: (typeof SOURCES)[Role][number], random: () => number): string | undefined {
  if (source.hardware === undefined) return undefined;
  const address = Math.floor(random() * 0xfffffffff).toString(16).padStart(9, '0');
  return `&lt;&lt;HKDevice: 0x${address}&gt;, name:${source.model === 'Watch' ? 'Apple Watch' : 'iPhone'}, manufacturer:Apple Inc., model:${source.model}, hardware:${source.hardware}, software:${source.software}&gt;`;
}

/** One Record as the Health app writes it (one-space indent, MetadataEntry children two spaces). */
function recordXml(type: string, attributes: [string, string | undefined][], metadata: [string, string][], indent = ' '): string {
  let text = `${indent}<Record type="${type}"`;
  for (const [name, value] of attributes) if (value !== undefined) text += ` ${name}="${value}"`;
  if (metadata.length === 0) return `${text}/>\n`;
  text += '>\n';
  for (const [key, value] of metadata) text += `${indent} <MetadataEntry key="${key}" value="${value}"/>\n`;
  return `${text}${indent}</Record>\n`;
}

/** The export.xml text in pieces of ~256 KiB; fills `counts`. */
export function* exportXmlPieces(shape: ExportShape, counts: ElementCounts): Generator<string> {
  const random = seededRandom(shape.seed);
  const templates = loadRecordTemplates();
  const days = Math.max(30, Math.ceil((365 * shape.records) / 1_000_000));
  const spanMs = days * DAY_MS;
  const count = (key: string, n = 1) => (counts[key] = (counts[key] ?? 0) + n);
  let piece = `<?xml version="1.0" encoding="UTF-8"?>\n${CURRENT_DOCTYPE}\n<HealthData locale="en_NL">\n`;
  piece += ` <ExportDate value="${exportDate(ORIGIN_MS + spanMs + DAY_MS)}"/>\n`;
  piece += ` <Me HKCharacteristicTypeIdentifierDateOfBirth="1990-05-20" HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexMale" HKCharacteristicTypeIdentifierBloodType="HKBloodTypeANegative" HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet" HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>\n`;
  count('ExportDate');
  count('Me');

  const totalShare = STREAMS.reduce((sum, s) => sum + s.share, 0) + BLOOD_PRESSURE_SHARE + WORKOUT_SHARE;
  const workouts = Math.max(1, Math.round((shape.records * WORKOUT_SHARE) / totalShare));
  const pressurePairs = Math.max(1, Math.round((shape.records * BLOOD_PRESSURE_SHARE) / totalShare / 2));
  let left = shape.records - workouts - 2 * pressurePairs;
  const pressure: string[][] = [];

  for (const [k, stream] of STREAMS.entries()) {
    const n = k === STREAMS.length - 1 ? left : Math.round((shape.records * stream.share) / totalShare);
    left -= n;
    const pool = templates.get(stream.type) ?? [];
    if (pool.length === 0) throw new Error(`no real record of ${stream.type} in the realdata files`);
    const gapMs = spanMs / Math.max(1, n);
    for (let i = 0; i < n; i += 1) {
      const template = pool[Math.floor(random() * pool.length)]!;
      const source = SOURCES[stream.role][Math.floor(random() * SOURCES[stream.role].length)]!;
      const start = ORIGIN_MS + Math.floor((i * gapMs + random() * gapMs * 0.4) / 1000) * 1000;
      const lasting = stream.seconds[0] + random() * (stream.seconds[1] - stream.seconds[0]);
      const end = start + Math.min(Math.round(lasting) * 1000, Math.floor(gapMs / 2000) * 1000);
      const written = new Map<string, string | undefined>(template.attributes);
      written.set('sourceName', source.name);
      written.set('sourceVersion', source.software);
      if (written.has('device')) written.set('device', deviceOf(source, random));
      written.set('creationDate', exportDate(end + Math.floor(5 + random() * 300) * 1000));
      written.set('startDate', exportDate(start));
      written.set('endDate', exportDate(end));
      written.set('value', stream.value(random, template));
      written.delete('type');
      const metadata = [...template.metadata.filter(([key]) => !key.startsWith('HKMetadataKeySync')), ...(stream.metadata?.(random, i) ?? [])];
      piece += recordXml(stream.type, [...written], dedupeKeys(metadata));
      count(`Record:${stream.type}`);
      if (piece.length > PIECE_CHARS) {
        yield piece;
        piece = '';
      }
    }
    if (k === 0) {
      // Blood pressure: each pair at top level here, and again inside its <Correlation> below.
      const gap = spanMs / pressurePairs;
      for (let i = 0; i < pressurePairs; i += 1) {
        const at = exportDate(ORIGIN_MS + Math.floor(i * gap / 1000) * 1000);
        const made = exportDate(ORIGIN_MS + Math.floor(i * gap / 1000) * 1000 + 60_000);
        const common: [string, string][] = [['sourceName', 'Health Mate'], ['sourceVersion', '2160040'], ['unit', 'mmHg'], ['creationDate', made], ['startDate', at], ['endDate', at]];
        const pair = [
          recordXml('HKQuantityTypeIdentifierBloodPressureDiastolic', [...common, ['value', int(60, 95)(random)]], [['HKWasUserEntered', '0']]),
          recordXml('HKQuantityTypeIdentifierBloodPressureSystolic', [...common, ['value', int(100, 150)(random)]], [['HKWasUserEntered', '0']]),
        ];
        pressure.push([at, made, ...pair]);
        piece += pair.join('');
        count('Record:HKQuantityTypeIdentifierBloodPressureDiastolic');
        count('Record:HKQuantityTypeIdentifierBloodPressureSystolic');
      }
    }
  }
  for (const [at, made, ...pair] of pressure) {
    piece += ` <Correlation type="HKCorrelationTypeIdentifierBloodPressure" sourceName="Health Mate" sourceVersion="2160040" creationDate="${made}" startDate="${at}" endDate="${at}">\n`;
    piece += `  <MetadataEntry key="HKWasUserEntered" value="0"/>\n`;
    piece += pair.map((record) => record.replace(/^ /gm, '  ')).join('');
    piece += ' </Correlation>\n';
    count('Correlation');
  }
  yield piece;
  piece = '';
  for (const text of workoutPieces(workouts, spanMs, random, count)) piece += text;
  for (let day = 0; day < days; day += 1) {
    const date = new Date(ORIGIN_MS + day * DAY_MS).toISOString().slice(0, 10);
    piece += ` <ActivitySummary dateComponents="${date}" activeEnergyBurned="${(200 + random() * 600).toFixed(3)}" activeEnergyBurnedGoal="630" activeEnergyBurnedUnit="kcal" appleMoveTime="0" appleMoveTimeGoal="0" appleExerciseTime="${Math.floor(random() * 90)}" appleExerciseTimeGoal="30" appleStandHours="${Math.floor(6 + random() * 10)}" appleStandHoursGoal="12"/>\n`;
    count('ActivitySummary');
  }
  yield `${piece}</HealthData>\n`;
}

const ACTIVITIES = [
  ['HKWorkoutActivityTypeRunning', 'HKQuantityTypeIdentifierDistanceWalkingRunning', false],
  ['HKWorkoutActivityTypeWalking', 'HKQuantityTypeIdentifierDistanceWalkingRunning', false],
  ['HKWorkoutActivityTypeCycling', 'HKQuantityTypeIdentifierDistanceCycling', false],
  ['HKWorkoutActivityTypeTraditionalStrengthTraining', undefined, true],
  ['HKWorkoutActivityTypeSwimming', 'HKQuantityTypeIdentifierDistanceSwimming', true],
] as const;

/** Workouts of iOS 17: totals as WorkoutStatistics, the route as a FileReference to its GPX file. */
function* workoutPieces(n: number, spanMs: number, random: () => number, count: (key: string) => void): Generator<string> {
  const gap = spanMs / n;
  for (let i = 0; i < n; i += 1) {
    const [activity, distanceType, indoor] = ACTIVITIES[Math.floor(random() * ACTIVITIES.length)]!;
    const start = ORIGIN_MS + Math.floor((i * gap + 7 * HOUR_MS) / 1000) * 1000;
    const minutes = 15 + random() * 60;
    const end = start + Math.round(minutes * 60) * 1000;
    const [s, e] = [exportDate(start), exportDate(end)];
    const device = deviceOf(SOURCES.watch[0]!, random);
    let text = ` <Workout workoutActivityType="${activity}" duration="${minutes.toFixed(12)}" durationUnit="min" sourceName="Alexandre’s Apple Watch" sourceVersion="10.2" device="${device}" creationDate="${exportDate(end + 30_000)}" startDate="${s}" endDate="${e}">\n`;
    text += `  <MetadataEntry key="HKIndoorWorkout" value="${indoor ? 1 : 0}"/>\n  <MetadataEntry key="HKTimeZone" value="Europe/Amsterdam"/>\n`;
    text += `  <MetadataEntry key="HKAverageMETs" value="${(4 + random() * 8).toFixed(5)} kcal/hr·kg"/>\n`;
    text += `  <WorkoutEvent type="HKWorkoutEventTypeSegment" date="${s}" duration="${(minutes / 2).toFixed(6)}" durationUnit="min"/>\n`;
    text += `  <WorkoutStatistics type="HKQuantityTypeIdentifierActiveEnergyBurned" startDate="${s}" endDate="${e}" sum="${(minutes * (6 + random() * 6)).toFixed(3)}" unit="kcal"/>\n`;
    if (distanceType !== undefined) {
      text += `  <WorkoutStatistics type="${distanceType}" startDate="${s}" endDate="${e}" sum="${(minutes * (0.08 + random() * 0.2)).toFixed(5)}" unit="km"/>\n`;
    }
    text += `  <WorkoutStatistics type="HKQuantityTypeIdentifierHeartRate" startDate="${s}" endDate="${e}" average="${(110 + random() * 50).toFixed(4)}" minimum="95" maximum="181" unit="count/min"/>\n`;
    count('Workout');
    if (!indoor) {
      text += `  <WorkoutRoute sourceName="Alexandre’s Apple Watch" sourceVersion="10.2" creationDate="${exportDate(end + 40_000)}" startDate="${s}" endDate="${e}">\n`;
      text += `   <FileReference path="/workout-routes/${routeFileName(start)}"/>\n  </WorkoutRoute>\n`;
      count('WorkoutRoute');
    }
    yield `${text} </Workout>\n`;
  }
}

export function routeFileName(startMs: number): string {
  const iso = new Date(startMs + HOUR_MS).toISOString();
  return `route_${iso.slice(0, 10)}_${Number(iso.slice(11, 13))}.${iso.slice(14, 16)}.gpx`;
}

function dedupeKeys(entries: [string, string][]): [string, string][] {
  const seen = new Set<string>();
  return entries.filter(([key]) => !seen.has(key) && seen.add(key) !== undefined);
}

/** Writes export.xml; returns what it holds. */
export async function writeExportXml(file: string, shape: ExportShape): Promise<{ counts: ElementCounts; bytes: number }> {
  const counts: ElementCounts = {};
  const writer = Bun.file(file).writer();
  let bytes = 0;
  for (const piece of exportXmlPieces(shape, counts)) {
    bytes += Buffer.byteLength(piece);
    writer.write(piece);
  }
  await writer.end();
  return { counts, bytes };
}

/** Writes export.zip laid out as the Health app does (apple_health_export/…, data descriptors). */
export async function writeExportZip(file: string, shape: ExportShape): Promise<{ counts: ElementCounts; bytes: number; xmlBytes: number }> {
  const counts: ElementCounts = {};
  const writer = Bun.file(file).writer();
  let bytes = 0;
  const zip = new StreamingZipWriter({ write: (chunk) => void ((bytes += chunk.length), writer.write(chunk)) });
  await zip.directory('apple_health_export/');
  const xmlBytes = await zip.file('apple_health_export/export.xml', exportXmlPieces(shape, counts));
  await zip.file('apple_health_export/export_cda.xml', [cdaDocument()]);
  await zip.directory('apple_health_export/workout-routes/');
  await zip.file(`apple_health_export/workout-routes/${routeFileName(ORIGIN_MS + 7 * HOUR_MS)}`, [gpxDocument()]);
  await zip.directory('apple_health_export/electrocardiograms/');
  await zip.file('apple_health_export/electrocardiograms/ecg_2023-01-02.csv', ['Name,Alexandre\nDate of Birth,"May 20, 1990"\nRecorded Date,2023-01-02 08:15:00 +0100\nClassification,Sinus Rhythm\n\n-120.5\n-119.8\n']);
  await zip.close();
  await writer.end();
  return { counts, bytes, xmlBytes };
}

function cdaDocument(): string {
  return '<?xml version="1.0"?>\n<ClinicalDocument xmlns="urn:hl7-org:v3"><title>Health Data Export</title></ClinicalDocument>\n';
}

function gpxDocument(): string {
  return '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="Apple Health Export"><trk><trkseg><trkpt lon="4.89" lat="52.37"><ele>2.1</ele><time>2023-01-01T07:00:00Z</time></trkpt></trkseg></trk></gpx>\n';
}

if (import.meta.main) {
  const { numberOption } = await import('./args.ts');
  const args = process.argv.slice(2);
  const out = args[args.indexOf('--out') + 1];
  if (!args.includes('--out') || out === undefined) throw new Error('usage: --out export.zip|export.xml [--records N] [--seed S]');
  const shape = { records: numberOption('--records', 1_000_000), seed: numberOption('--seed', 1) };
  const result = out.endsWith('.zip') ? await writeExportZip(out, shape) : await writeExportXml(out, shape);
  console.log(JSON.stringify({ out, ...shape, ...result }));
}
