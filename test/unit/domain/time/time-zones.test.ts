import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { isKnownTimeZone, offsetInZone } from '../../../../src/domain/time/time-zones.ts';

const at = (iso: string) => Date.parse(iso);

describe('offsetInZone: the offset in force at an instant, DST and history included', () => {
  test.each([
    ['Europe/Berlin', '2026-01-15T12:00:00Z', 60],
    ['Europe/Berlin', '2026-07-15T12:00:00Z', 120],
    // the spring-forward instant 2026-03-29T01:00Z (02:00 CET → 03:00 CEST), either side of it
    ['Europe/Berlin', '2026-03-29T00:59:59.999Z', 60],
    ['Europe/Berlin', '2026-03-29T01:00:00Z', 120],
    // fall back 2026-10-25T01:00Z (03:00 CEST → 02:00 CET)
    ['Europe/Berlin', '2026-10-25T00:59:59.999Z', 120],
    ['Europe/Berlin', '2026-10-25T01:00:00Z', 60],
    ['America/New_York', '2026-11-20T07:15:00Z', -300],
    ['America/New_York', '2026-06-20T07:15:00Z', -240],
    ['Asia/Kolkata', '2026-01-01T00:00:00Z', 330],
    ['Asia/Kathmandu', '2026-01-01T00:00:00Z', 345],
    ['Australia/Lord_Howe', '2026-01-01T00:00:00Z', 660], // a 30-minute DST
    ['Australia/Lord_Howe', '2026-07-01T00:00:00Z', 630],
    ['Pacific/Kiritimati', '2026-01-01T00:00:00Z', 840],
    ['Etc/GMT+12', '2026-01-01T00:00:00Z', -720],
    ['UTC', '2026-01-01T00:00:00Z', 0],
    ['europe/paris', '2026-01-01T00:00:00Z', 60], // ICU reads names in any case
    ['US/Pacific', '2026-01-01T00:00:00Z', -480], // a backward-compatible alias
    ['Europe/Kyiv', '2026-01-01T00:00:00Z', 120],
  ])('%s at %s → %p', (zone, iso, minutes) => {
    expect(offsetInZone(zone, at(iso))).toBe(minutes);
  });

  test('a historical local mean time is rounded to the minute (Kolkata 1900: +05:21:10)', () => {
    expect(offsetInZone('Asia/Kolkata', at('1900-01-01T00:00:00Z'))).toBe(321);
  });

  test.each(['Mars/Olympus_Mons', '', 'Europe/Berlin ', 'GMT+2', 'x'.repeat(65), 'Europe/' + 'A'.repeat(100)])('%p is not a zone', (zone) => {
    expect(offsetInZone(zone, at('2026-01-01T00:00:00Z'))).toBeUndefined();
    expect(isKnownTimeZone(zone)).toBe(false);
  });

  test('a remembered hour never answers for an instant on the other side of a transition', () => {
    // warm the cache minute by minute around both 2026 transitions, then ask again
    for (const [start, before, after] of [
      [at('2026-03-29T00:00:00Z'), 60, 120],
      [at('2026-10-25T00:00:00Z'), 120, 60],
    ] as const) {
      for (let round = 0; round < 2; round++) {
        for (let ms = start; ms < start + 2 * 3_600_000; ms += 60_000) {
          expect(offsetInZone('Europe/Berlin', ms)).toBe(ms < start + 3_600_000 ? before : after);
        }
      }
    }
  });

  test('agrees with an uncached Intl reading for any instant of 1900..2100 in zones with odd rules', () => {
    const zones = ['Europe/Berlin', 'America/Santiago', 'Australia/Lord_Howe', 'Asia/Tehran', 'Africa/Casablanca', 'Pacific/Apia'];
    const reference = (zone: string, ms: number) => {
      // the wall clock in the zone, read as if it were UTC, minus the instant
      const parts = new Intl.DateTimeFormat('en-US', {
        timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
      }).formatToParts(ms);
      const part = (type: string) => Number(parts.find((p) => p.type === type)!.value);
      const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
      return Math.round((wall - Math.floor(ms / 1000) * 1000) / 60_000);
    };
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.integer({ min: at('1900-01-01T00:00:00Z'), max: at('2100-01-01T00:00:00Z') }), (zone, ms) => {
        expect(offsetInZone(zone, ms)).toBe(reference(zone, ms));
      }),
      { numRuns: 500 },
    );
  });
});
