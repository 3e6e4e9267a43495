// The real records the export generator varies: every top-level <Record> of the current-dialect
// files in ../shared/realdata/, grouped by type, with their attributes and MetadataEntry lines as
// written (still XML-escaped). Also the current export's DOCTYPE, which the real files carry in
// an older version (Export Version 8); the generator writes the current one.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REALDATA_DIR } from '../../test/support/realdata.ts';

export interface RecordTemplate {
  type: string;
  /** [name, escaped value] in document order. */
  attributes: [string, string][];
  /** Escaped MetadataEntry [key, value] pairs. */
  metadata: [string, string][];
}

const CURRENT_DIALECT_FILES = ['rgosdin-docs-export.xml', 'alxdrcirilo-export.xml', 'dogsheep-export.xml'];
const TOP_LEVEL_RECORD = /<Record\b([^>]*?)(?:\/>|>([\s\S]*?)<\/Record>)/g;
const ATTRIBUTE = /([A-Za-z]+)="([^"]*)"/g;
const METADATA_ENTRY = /<MetadataEntry key="([^"]*)" value="([^"]*)"\s*\/>/g;

/** Real records by type (e.g. HKQuantityTypeIdentifierHeartRate → its records). */
export function loadRecordTemplates(): Map<string, RecordTemplate[]> {
  const byType = new Map<string, RecordTemplate[]>();
  for (const file of CURRENT_DIALECT_FILES) {
    const text = readFileSync(path.join(REALDATA_DIR, file), 'utf8');
    for (const match of text.matchAll(TOP_LEVEL_RECORD)) {
      const attributes = [...match[1]!.matchAll(ATTRIBUTE)].map((m) => [m[1]!, m[2]!] as [string, string]);
      const metadata = [...(match[2] ?? '').matchAll(METADATA_ENTRY)].map((m) => [m[1]!, m[2]!] as [string, string]);
      const type = attributes.find(([name]) => name === 'type')?.[1];
      if (type === undefined) continue;
      const list = byType.get(type) ?? [];
      list.push({ type, attributes, metadata });
      byType.set(type, list);
    }
  }
  return byType;
}

/** The DOCTYPE of a current export (HealthKit Export Version 14, iOS 17 and later). */
export const CURRENT_DOCTYPE = `<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 14 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex       CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType           CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType CDATA #REQUIRED
  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!-- Note: Any Records that appear as children of a correlation also appear as top-level records in this document. -->
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
<!ATTLIST Correlation
  type          CDATA #REQUIRED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  totalDistance         CDATA #IMPLIED
  totalDistanceUnit     CDATA #IMPLIED
  totalEnergyBurned     CDATA #IMPLIED
  totalEnergyBurnedUnit CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT WorkoutActivity ((WorkoutEvent|WorkoutStatistics|MetadataEntry)*)>
<!ATTLIST WorkoutActivity
  uuid                  CDATA #REQUIRED
  startDate             CDATA #REQUIRED
  endDate               CDATA #IMPLIED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
>
<!ELEMENT WorkoutEvent (MetadataEntry?)>
<!ATTLIST WorkoutEvent
  type         CDATA #REQUIRED
  date         CDATA #REQUIRED
  duration     CDATA #IMPLIED
  durationUnit CDATA #IMPLIED
>
<!ELEMENT WorkoutStatistics EMPTY>
<!ATTLIST WorkoutStatistics
  type        CDATA #REQUIRED
  startDate   CDATA #REQUIRED
  endDate     CDATA #REQUIRED
  average     CDATA #IMPLIED
  minimum     CDATA #IMPLIED
  maximum     CDATA #IMPLIED
  sum         CDATA #IMPLIED
  unit        CDATA #IMPLIED
>
<!ELEMENT WorkoutRoute ((MetadataEntry|FileReference)*)>
<!ATTLIST WorkoutRoute
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT FileReference EMPTY>
<!ATTLIST FileReference
  path CDATA #REQUIRED
>
<!ELEMENT ActivitySummary EMPTY>
<!ATTLIST ActivitySummary
  dateComponents           CDATA #IMPLIED
  activeEnergyBurned       CDATA #IMPLIED
  activeEnergyBurnedGoal   CDATA #IMPLIED
  activeEnergyBurnedUnit   CDATA #IMPLIED
  appleMoveTime            CDATA #IMPLIED
  appleMoveTimeGoal        CDATA #IMPLIED
  appleExerciseTime        CDATA #IMPLIED
  appleExerciseTimeGoal    CDATA #IMPLIED
  appleStandHours          CDATA #IMPLIED
  appleStandHoursGoal      CDATA #IMPLIED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
<!-- Note: Heart Rate Variability records captured by Apple Watch may include an associated list of instantaneous beats-per-minute readings. -->
<!ELEMENT HeartRateVariabilityMetadataList (InstantaneousBeatsPerMinute*)>
<!ELEMENT InstantaneousBeatsPerMinute EMPTY>
<!ATTLIST InstantaneousBeatsPerMinute
  bpm  CDATA #REQUIRED
  time CDATA #REQUIRED
>
<!ELEMENT ClinicalRecord EMPTY>
<!ATTLIST ClinicalRecord
  type              CDATA #REQUIRED
  identifier        CDATA #REQUIRED
  sourceName        CDATA #REQUIRED
  sourceURL         CDATA #REQUIRED
  fhirVersion       CDATA #REQUIRED
  receivedDate      CDATA #REQUIRED
  resourceFilePath  CDATA #REQUIRED
>
]>`;
