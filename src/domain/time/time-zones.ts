// IANA time zones (HealthKit's HKMetadataKeyTimeZone, sent as metadata.timeZone): the UTC offset
// in force at an instant in a zone, DST and history included, from the engine's ICU data.
//
// Cost: building an Intl.DateTimeFormat takes ~70 µs and one format ~2 µs, against a budget of
// ~15 µs per sample for the whole inline path. So formatters are built once per zone and kept,
// and offsets are remembered per (zone, UTC hour): an hour whose first and last millisecond
// share an offset has it throughout (the tz database has no two transitions within an hour),
// so a batch of a day's minute samples costs ~50 formats instead of ~1,400. An hour that holds
// a transition is answered exactly for each instant and not remembered. Both caches are
// bounded, so hostile zone names cannot grow them without limit. Intl is pure here: the same
// zone and instant always give the same offset on one build of the engine.

const MS_PER_HOUR = 3_600_000;

/** Longer than any IANA name (the longest is ~32 characters): refused without asking ICU. */
const MAX_ZONE_NAME_LENGTH = 64;
const MAX_CACHED_ZONES = 512;
const MAX_CACHED_HOURS_PER_ZONE = 4096;

interface ZoneEntry {
  format: Intl.DateTimeFormat;
  /** UTC hour number → offset in minutes, for hours without a transition */
  offsetByHour: Map<number, number>;
}

/** zone name as sent → its entry, or null when ICU does not know the name */
const zones = new Map<string, ZoneEntry | null>();

/**
 * Minutes east of UTC in force at `epochMs` in `zone`, rounded to the minute (historical local
 * mean times have seconds: Asia/Kolkata in 1900 is +05:21:10 → 321), or undefined when the
 * zone name is unknown. Names are those ICU accepts: IANA names and their aliases, any case
 * (europe/paris), UTC, Etc/GMT±N and ±HH:MM offsets.
 */
export function offsetInZone(zone: string, epochMs: number): number | undefined {
  const entry = zoneEntry(zone);
  if (entry === null) return undefined;
  const hour = Math.floor(epochMs / MS_PER_HOUR);
  const known = entry.offsetByHour.get(hour);
  if (known !== undefined) return known;
  const first = offsetAt(entry.format, hour * MS_PER_HOUR);
  const last = offsetAt(entry.format, (hour + 1) * MS_PER_HOUR - 1);
  if (first !== last) return offsetAt(entry.format, epochMs);
  if (entry.offsetByHour.size >= MAX_CACHED_HOURS_PER_ZONE) entry.offsetByHour.clear();
  entry.offsetByHour.set(hour, first);
  return first;
}

/** Whether ICU knows the zone name. */
export function isKnownTimeZone(zone: string): boolean {
  return zoneEntry(zone) !== null;
}

function zoneEntry(zone: string): ZoneEntry | null {
  const cached = zones.get(zone);
  if (cached !== undefined) return cached;
  let entry: ZoneEntry | null = null;
  if (zone.length > 0 && zone.length <= MAX_ZONE_NAME_LENGTH) {
    try {
      entry = {
        format: new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }),
        offsetByHour: new Map(),
      };
    } catch {
      entry = null; // RangeError: invalid time zone
    }
  }
  if (zones.size >= MAX_CACHED_ZONES) zones.clear();
  zones.set(zone, entry);
  return entry;
}

/** "1/1/1900, GMT+05:21:10" → 321; "…, GMT" (UTC in some ICU versions) → 0. */
function offsetAt(format: Intl.DateTimeFormat, epochMs: number): number {
  const text = format.format(epochMs);
  const at = text.lastIndexOf('GMT');
  if (at < 0 || at + 3 === text.length) return 0;
  const sign = text.charCodeAt(at + 3) === 45 /* - */ || text.charCodeAt(at + 3) === 0x2212 /* − */ ? -1 : 1;
  const [hours = 0, minutes = 0, seconds = 0] = text
    .slice(at + 4)
    .split(':')
    .map(Number);
  return sign * Math.round((hours * 3600 + minutes * 60 + seconds) / 60);
}
