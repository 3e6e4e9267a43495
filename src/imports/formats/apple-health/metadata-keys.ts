// HealthKit metadata keys, as the export writes them (MetadataEntry key="…", or an attribute of
// the record in the pre-iOS 9 dialect), mapped to the service's metadata allowlist
// (src/domain/metric-catalog.yaml). The export writes each key's string value, which is not
// always its constant's name (HKMetadataKeyTimeZone is written "HKTimeZone"), so both spellings
// are listed. Keys not listed here are dropped: the service would drop them anyway.

export type MetadataTarget =
  | 'syncIdentifier'
  | 'syncVersion'
  | 'timeZone'
  | 'wasUserEntered'
  | 'heartRateMotionContext'
  | 'indoor'
  | 'deviceManufacturer';

export const METADATA_KEYS: ReadonlyMap<string, MetadataTarget> = new Map([
  ['HKMetadataKeySyncIdentifier', 'syncIdentifier'],
  ['HKMetadataKeySyncVersion', 'syncVersion'],
  ['HKTimeZone', 'timeZone'],
  ['HKMetadataKeyTimeZone', 'timeZone'],
  ['HKWasUserEntered', 'wasUserEntered'],
  ['HKMetadataKeyWasUserEntered', 'wasUserEntered'],
  ['HKMetadataKeyHeartRateMotionContext', 'heartRateMotionContext'],
  ['HKIndoorWorkout', 'indoor'],
  ['HKMetadataKeyIndoorWorkout', 'indoor'],
  ['HKDeviceManufacturerName', 'deviceManufacturer'],
  ['HKMetadataKeyDeviceManufacturerName', 'deviceManufacturer'],
]);

/**
 * Sets `metadata[target]` from an export value, typed as the service stores it: booleans for
 * the flags, integers for the sync version and the motion context (0 not set, 1 sedentary,
 * 2 active), strings otherwise. A value of the wrong form is dropped, not guessed.
 */
export function applyMetadataEntry(metadata: Record<string, unknown>, target: MetadataTarget, value: string): void {
  switch (target) {
    case 'wasUserEntered':
    case 'indoor': {
      const flag = booleanOf(value);
      if (flag !== undefined) metadata[target] = flag;
      return;
    }
    case 'syncVersion':
    case 'heartRateMotionContext': {
      const integer = nonNegativeIntegerOf(value);
      if (integer !== undefined) metadata[target] = integer;
      return;
    }
    default:
      if (value.length > 0) metadata[target] = value;
  }
}

export function nonNegativeIntegerOf(text: string): number | undefined {
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

function booleanOf(text: string): boolean | undefined {
  if (text === '1' || text === 'true' || text === 'YES') return true;
  if (text === '0' || text === 'false' || text === 'NO') return false;
  return undefined;
}
