// The attributes the mapping reads, as fields of one fixed-shape object (fast to fill and read a
// million times), recognized by the scanner's NameTable; any other attribute is kept in
// `others` (the pre-iOS 9 dialect writes metadata such as HKWasUserEntered as attributes).

import { NameTable, type AttributeList } from './xml-scanner.ts';

const ATTRIBUTE_NAMES = [
  'type',
  'unit',
  'value',
  'sourceName',
  'source',
  'sourceVersion',
  'device',
  'creationDate',
  'startDate',
  'endDate',
  'key',
  'workoutActivityType',
  'duration',
  'durationUnit',
  'totalDistance',
  'totalDistanceUnit',
  'totalEnergyBurned',
  'totalEnergyBurnedUnit',
  'sum',
  'average',
  'min',
  'max',
] as const;
type AttributeName = (typeof ATTRIBUTE_NAMES)[number];

const ELEMENT_NAMES = ['HealthData', 'Record', 'Workout', 'MetadataEntry', 'WorkoutStatistics', 'WorkoutRoute', 'Correlation'];

/** Attribute ids are their index in ATTRIBUTE_NAMES; element names follow them. `device` stays XML-encoded. */
export const EXPORT_NAMES = new NameTable([...ATTRIBUTE_NAMES, ...ELEMENT_NAMES], ['device']);

const NONE: string[] = [];

export class ExportAttributes implements Partial<Record<AttributeName, string>> {
  type: string | undefined = undefined;
  unit: string | undefined = undefined;
  value: string | undefined = undefined;
  sourceName: string | undefined = undefined;
  source: string | undefined = undefined;
  sourceVersion: string | undefined = undefined;
  /** Still XML-encoded (&lt;&lt;HKDevice: …&gt;, …): decoded by the mapping when it first meets one. */
  device: string | undefined = undefined;
  creationDate: string | undefined = undefined;
  startDate: string | undefined = undefined;
  endDate: string | undefined = undefined;
  key: string | undefined = undefined;
  workoutActivityType: string | undefined = undefined;
  duration: string | undefined = undefined;
  durationUnit: string | undefined = undefined;
  totalDistance: string | undefined = undefined;
  totalDistanceUnit: string | undefined = undefined;
  totalEnergyBurned: string | undefined = undefined;
  totalEnergyBurnedUnit: string | undefined = undefined;
  sum: string | undefined = undefined;
  average: string | undefined = undefined;
  min: string | undefined = undefined;
  max: string | undefined = undefined;
  /** Attributes not named above, as [name, value, name, value, …]. */
  others: string[] = NONE;

  static from(list: AttributeList): ExportAttributes {
    const attributes = new ExportAttributes();
    for (let k = 0; k < list.count; k += 1) {
      const value = list.values[k]!;
      switch (list.ids[k]) {
        case 0: attributes.type = value; break;
        case 1: attributes.unit = value; break;
        case 2: attributes.value = value; break;
        case 3: attributes.sourceName = value; break;
        case 4: attributes.source = value; break;
        case 5: attributes.sourceVersion = value; break;
        case 6: attributes.device = value; break;
        case 7: attributes.creationDate = value; break;
        case 8: attributes.startDate = value; break;
        case 9: attributes.endDate = value; break;
        case 10: attributes.key = value; break;
        case 11: attributes.workoutActivityType = value; break;
        case 12: attributes.duration = value; break;
        case 13: attributes.durationUnit = value; break;
        case 14: attributes.totalDistance = value; break;
        case 15: attributes.totalDistanceUnit = value; break;
        case 16: attributes.totalEnergyBurned = value; break;
        case 17: attributes.totalEnergyBurnedUnit = value; break;
        case 18: attributes.sum = value; break;
        case 19: attributes.average = value; break;
        case 20: attributes.min = value; break;
        case 21: attributes.max = value; break;
        default:
          if (attributes.others === NONE) attributes.others = [];
          attributes.others.push(list.names[k]!, value);
      }
    }
    return attributes;
  }
}

/** Reads key and value of a MetadataEntry without building an object. */
export function metadataEntryOf(list: AttributeList): [string, string] {
  let key = '';
  let value = '';
  for (let k = 0; k < list.count; k += 1) {
    if (list.ids[k] === 10) key = list.values[k]!;
    else if (list.ids[k] === 2) value = list.values[k]!;
  }
  return [key, value];
}
