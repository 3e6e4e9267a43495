// Which UTC offset a sample is placed in (CONTRACT §4.6), in this order: the sample's own
// timezoneOffsetMinutes; else metadata.timeZone (an IANA name, HealthKit's HKMetadataKeyTimeZone:
// the offset in force at startAt in that zone, DST-correct); else the X-Timezone-Offset header;
// else TIMEZONE_REQUIRED for metrics that need one (sleep); else 0 (UTC). The stored
// timezone_source says which one it was.
//
// A zone name is only read when it decides the offset: a sample that carries its own offset is
// never failed for a zone name it did not need. An unknown name, or one whose offset at startAt
// lies outside -720..840, fails the sample with INVALID_METADATA (it is a metadata value).
import type { MetricDefinition } from '../catalog/catalog-types.ts';
import { offsetInZone } from '../time/time-zones.ts';
import type { SampleBodyT } from './upload-schema.ts';
import { MAX_TIMEZONE_OFFSET_MINUTES, MIN_TIMEZONE_OFFSET_MINUTES } from '../time/time-bounds.ts';
import type { SampleErrorCode, TimezoneSource } from '../types.ts';

export interface ResolvedTimezone {
  timezoneOffsetMinutes: number;
  timezoneSource: TimezoneSource;
}

export function resolveTimezone(
  sample: Pick<SampleBodyT, 'timezoneOffsetMinutes' | 'metadata'>,
  startAtMs: number,
  headerOffsetMinutes: number | undefined,
  metric: Pick<MetricDefinition, 'code' | 'requiresTimezone'>,
): ResolvedTimezone | { code: SampleErrorCode; message: string } {
  if (sample.timezoneOffsetMinutes !== undefined) {
    return { timezoneOffsetMinutes: sample.timezoneOffsetMinutes, timezoneSource: 'sample' };
  }
  const zone = sample.metadata?.timeZone;
  if (zone !== undefined && zone !== null) {
    const offset = typeof zone === 'string' ? offsetInZone(zone, startAtMs) : undefined;
    if (offset === undefined) {
      return { code: 'INVALID_METADATA', message: 'metadata.timeZone is not a known IANA time zone name (e.g. Europe/Berlin).' };
    }
    if (offset < MIN_TIMEZONE_OFFSET_MINUTES || offset > MAX_TIMEZONE_OFFSET_MINUTES) {
      return { code: 'INVALID_METADATA', message: 'metadata.timeZone gives an offset outside -720..840 minutes at startAt.' };
    }
    return { timezoneOffsetMinutes: offset === 0 ? 0 : offset, timezoneSource: 'zone' };
  }
  if (headerOffsetMinutes !== undefined) return { timezoneOffsetMinutes: headerOffsetMinutes, timezoneSource: 'header' };
  if (metric.requiresTimezone) {
    return {
      code: 'TIMEZONE_REQUIRED',
      message: `${metric.code} needs timezoneOffsetMinutes, metadata.timeZone or an X-Timezone-Offset header.`,
    };
  }
  return { timezoneOffsetMinutes: 0, timezoneSource: 'default' };
}
