import { describe, expect, test } from 'bun:test';
import fc from 'fast-check';
import { formatLocalDay, localDayOf, parseLocalDay } from '../../../../src/domain/time/local-days.ts';
import { MAX_STORABLE_INSTANT_MS } from '../../../../src/domain/time/time-bounds.ts';
import {
  affectedLocalDates,
  localDateOf,
  MAX_AFFECTED_LOCAL_DATES,
  parseRfc3339,
  parseStorableTimestamp,
  RFC3339_PATTERN,
} from '../../../../src/domain/time/timestamps.ts';

describe('parseRfc3339 accepts RFC 3339 date-times', () => {
  test.each([
    ['2026-11-20T07:15:00Z', '2026-11-20T07:15:00.000Z'],
    ['2026-11-20t07:15:00z', '2026-11-20T07:15:00.000Z'],
    ['2026-11-20T08:15:00+01:00', '2026-11-20T07:15:00.000Z'],
    ['2026-11-20T02:15:00-05:00', '2026-11-20T07:15:00.000Z'],
    ['2026-11-20T07:15:00-00:00', '2026-11-20T07:15:00.000Z'],
    ['2026-11-20T07:15:00.5Z', '2026-11-20T07:15:00.500Z'],
    ['2026-11-20T07:15:00.12Z', '2026-11-20T07:15:00.120Z'],
    ['2026-11-20T07:15:00.123Z', '2026-11-20T07:15:00.123Z'],
    ['2026-11-20T07:15:00.123999999Z', '2026-11-20T07:15:00.123Z'], // truncated to ms, not rounded
    ['2024-02-29T23:59:59Z', '2024-02-29T23:59:59.000Z'],
    ['2000-02-29T00:00:00Z', '2000-02-29T00:00:00.000Z'],
    ['1970-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z'],
    ['1969-12-31T23:59:59.999Z', '1969-12-31T23:59:59.999Z'],
    ['0001-01-01T00:00:00Z', '0001-01-01T00:00:00.000Z'],
    ['9999-12-31T23:59:59Z', '9999-12-31T23:59:59.000Z'],
    ['2026-01-01T00:30:00+23:59', '2025-12-31T00:31:00.000Z'],
    ['2026-12-31T23:30:00-23:59', '2027-01-01T23:29:00.000Z'],
  ])('%s → %s', (text, iso) => {
    expect(parseRfc3339(text)).toBe(Date.parse(iso));
    expect(new RegExp(RFC3339_PATTERN).test(text)).toBe(true);
  });
});

describe('parseRfc3339 rejects everything else', () => {
  test.each([
    ['impossible day', '2026-02-30T00:00:00Z'],
    ['Feb 29 of a common year', '2026-02-29T00:00:00Z'],
    ['Feb 29 of 1900', '1900-02-29T00:00:00Z'],
    ['April 31', '2026-04-31T00:00:00Z'],
    ['month 13', '2026-13-01T00:00:00Z'],
    ['month 0', '2026-00-01T00:00:00Z'],
    ['day 0', '2026-01-00T00:00:00Z'],
    ['hour 24', '2026-01-01T24:00:00Z'],
    ['minute 60', '2026-01-01T00:60:00Z'],
    ['leap second', '2016-12-31T23:59:60Z'],
    ['offset hours 24', '2026-01-01T00:00:00+24:00'],
    ['offset minutes 60', '2026-01-01T00:00:00+01:60'],
    ['no zone', '2026-01-01T00:00:00'],
    ['date only', '2026-01-01'],
    ['space separator', '2026-01-01 00:00:00Z'],
    ['missing seconds', '2026-01-01T00:00Z'],
    ['empty fraction', '2026-01-01T00:00:00.Z'],
    ['compact offset', '2026-01-01T00:00:00+0100'],
    ['short offset', '2026-01-01T00:00:00+01'],
    ['trailing text', '2026-01-01T00:00:00Zx'],
    ['leading space', ' 2026-01-01T00:00:00Z'],
    ['one-digit month', '2026-1-01T00:00:00Z'],
    ['expanded year', '+02026-01-01T00:00:00Z'],
    ['non-digit', '2026-0a-01T00:00:00Z'],
    ['full-width digit', '２026-01-01T00:00:00Z'],
    ['empty', ''],
  ])('%s: %p', (_, text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });
});

describe('localDateOf', () => {
  test.each([
    ['2026-11-20T23:30:00Z', 60, '2026-11-21'],
    ['2026-11-20T23:30:00Z', 0, '2026-11-20'],
    ['2026-11-20T23:30:00Z', 30, '2026-11-21'],
    ['2026-11-20T23:30:00Z', 29, '2026-11-20'],
    ['2026-11-21T03:00:00Z', -300, '2026-11-20'],
    ['2026-11-21T05:00:00Z', -300, '2026-11-21'],
    ['2026-11-20T12:00:00Z', 840, '2026-11-21'],
    ['2026-11-20T11:59:59Z', -720, '2026-11-19'],
    ['2026-12-31T23:00:00Z', 60, '2027-01-01'],
    ['2024-02-28T23:00:00Z', 120, '2024-02-29'],
    ['1970-01-01T00:00:00Z', -1, '1969-12-31'],
  ])('%s at %p min → %s', (iso, offset, date) => {
    expect(localDateOf(Date.parse(iso), offset)).toBe(date);
  });

  test('agrees with Date for every day of four years', () => {
    for (let day = -366; day < 3 * 366; day += 1) {
      const ms = Date.UTC(2023, 0, 1) + day * 86_400_000 + 43_200_000;
      expect(localDateOf(ms, 0)).toBe(new Date(ms).toISOString().slice(0, 10));
    }
  });
});

describe('affectedLocalDates', () => {
  const at = Date.parse;
  test.each([
    ['a sleep night crossing local midnight', '2026-11-20T21:30:00Z', '2026-11-21T05:30:00Z', 60, ['2026-11-20', '2026-11-21']],
    ['the same night seen from UTC-5', '2026-11-20T21:30:00Z', '2026-11-21T05:30:00Z', -300, ['2026-11-20', '2026-11-21']],
    ['the same night seen from UTC+3 (all after midnight)', '2026-11-20T21:30:00Z', '2026-11-21T05:30:00Z', 180, ['2026-11-21']],
    ['an instant', '2026-11-20T07:15:00Z', '2026-11-20T07:15:00Z', 0, ['2026-11-20']],
    ['ending exactly at local midnight', '2026-11-20T22:00:00Z', '2026-11-21T00:00:00+01:00', 60, ['2026-11-20']],
    ['ending one ms after local midnight', '2026-11-20T22:00:00Z', '2026-11-21T00:00:00.001+01:00', 60, ['2026-11-20', '2026-11-21']],
    ['an instant at local midnight', '2026-11-21T00:00:00+01:00', '2026-11-21T00:00:00+01:00', 60, ['2026-11-21']],
    ['starting at local midnight', '2026-11-21T00:00:00Z', '2026-11-21T08:00:00Z', 0, ['2026-11-21']],
    ['three days', '2026-11-20T12:00:00Z', '2026-11-22T12:00:00Z', 0, ['2026-11-20', '2026-11-21', '2026-11-22']],
    ['end before start', '2026-11-20T12:00:00Z', '2026-11-19T12:00:00Z', 0, ['2026-11-20']],
  ])('%s', (_, start, end, offset, dates) => {
    expect(affectedLocalDates(at(start), at(end), offset)).toEqual(dates);
  });

  test(`stops after ${MAX_AFFECTED_LOCAL_DATES} dates`, () => {
    const dates = affectedLocalDates(at('2020-01-01T00:00:00Z'), at('2026-01-01T00:00:00Z'), 0);
    expect(dates).toHaveLength(MAX_AFFECTED_LOCAL_DATES);
    expect(dates[0]).toBe('2020-01-01');
    expect(dates.at(-1)).toBe('2021-02-03');
  });
});


describe('parseStorableTimestamp: the instants a sample may carry (years 1900..9999)', () => {
  test.each([
    ['1900-01-01T00:00:00Z'],
    ['1900-01-01T00:00:00+23:59'], // 1899 in UTC: stored fine
    ['2026-11-20T07:15:00Z'],
    ['9999-12-31T23:59:59.999Z'],
    ['9999-12-31T23:59:59+14:00'],
  ])('%s is storable', (text) => {
    expect(parseStorableTimestamp(text)).toBe(parseRfc3339(text)!);
  });

  test.each([
    ['0000-06-01T05:00:00Z', 'year_out_of_range'],
    ['0001-01-01T00:00:00Z', 'year_out_of_range'], // the zero date of Go, .NET and Swift clients
    ['1899-12-31T23:59:59.999Z', 'year_out_of_range'],
    ['1899-12-31T23:00:00-02:00', 'year_out_of_range'], // 1900 in UTC, but written as 1899
    ['9999-12-31T23:00:00-01:00', 'year_out_of_range'], // 10000-01-01 in UTC
    ['2026-02-30T00:00:00Z', 'not_a_date_time'],
    ['yesterday', 'not_a_date_time'],
  ])('%s → %s', (text, problem) => {
    expect(parseStorableTimestamp(text)).toBe(problem as never);
  });

  test('the last storable instant is 9999-12-31T23:59:59.999Z', () => {
    expect(new Date(MAX_STORABLE_INSTANT_MS).toISOString()).toBe('9999-12-31T23:59:59.999Z');
    expect(parseStorableTimestamp('9999-12-31T23:59:59.999Z')).toBe(MAX_STORABLE_INSTANT_MS);
  });
});

describe('one local-date rule: localDateOf, affectedLocalDates and the summary days agree', () => {
  const storable = fc.integer({ min: parseRfc3339('1899-12-31T00:01:00Z')!, max: MAX_STORABLE_INSTANT_MS });
  const offset = fc.integer({ min: -720, max: 840 });

  test('for every storable instant at every offset, and as Date writes the same day', () => {
    fc.assert(
      fc.property(storable, offset, (ms, minutes) => {
        const viaDays = formatLocalDay(localDayOf(ms, minutes));
        expect(localDateOf(ms, minutes)).toBe(viaDays);
        expect(affectedLocalDates(ms, ms, minutes)).toEqual([viaDays]);
        // independent: Date's calendar, valid for years 1..9999 (toISOString widens past them)
        // (a startAt is never past now + 24 h, so a stored local date never has five digits)
        const shifted = ms + minutes * 60_000;
        if (shifted > MAX_STORABLE_INSTANT_MS) return;
        expect(viaDays).toBe(new Date(shifted).toISOString().slice(0, 10));
        expect(parseLocalDay(viaDays)).toBe(localDayOf(ms, minutes));
      }),
      { numRuns: 5000 },
    );
  });

  test.each([
    ['1900-01-01T05:00:00Z', -720, '1899-12-31'],
    ['1900-01-01T00:00:00+14:00', 840, '1900-01-01'],
    ['9999-12-31T23:59:59.999Z', 840, '10000-01-01'],
    ['9999-12-31T23:59:59.999Z', -720, '9999-12-31'],
  ])('the edges: %s at %p → %s', (text, minutes, date) => {
    const ms = parseStorableTimestamp(text) as number;
    expect(localDateOf(ms, minutes)).toBe(date);
    expect(formatLocalDay(localDayOf(ms, minutes))).toBe(date);
  });
});
