// The date dialects of Health app exports, as RFC 3339 text plus the instant and written offset:
//   current:      2019-06-15 08:13:44 -0400
//   before iOS 9: 20120923222959+0100
// (RFC 3339 text itself is accepted too.) The written offset is the phone's offset when the
// export was made, not when the sample was taken (CONTRACT §9): callers decide whether to keep it.
// Three dates per record, millions of records: read at fixed positions with integer arithmetic
// (going through parseRfc3339 on a rebuilt string cost more than the rest of a record).

import { parseRfc3339 } from '../../../domain/time/timestamps.ts';

export interface ExportDate {
  /** RFC 3339 with the written offset, e.g. 2019-06-15T08:13:44-04:00. */
  rfc3339: string;
  epochMs: number;
  offsetMinutes: number;
}

const CURRENT_LENGTH = 25; // 2019-06-15 08:13:44 -0400
const COMPACT_LENGTH = 19; // 20120923222959+0100
const MS_PER_DAY = 86_400_000;
// Field offsets: year, month, day, hour, minute, second, offset sign, offset hours, offset minutes.
const CURRENT_FIELDS = [0, 5, 8, 11, 14, 17, 20, 21, 23] as const;
const COMPACT_FIELDS = [0, 4, 6, 8, 10, 12, 14, 15, 17] as const;

/** The instant and offset of an export date; undefined when it is not a valid date of a dialect. */
export function parseExportDate(text: string): ExportDate | undefined {
  const fields = dialectOf(text);
  if (fields === undefined) {
    if (text.length < 20 || text.charCodeAt(10) !== 84 /* T */) return undefined;
    const epochMs = parseRfc3339(text);
    return epochMs === undefined ? undefined : { rfc3339: text, epochMs, offsetMinutes: rfc3339Offset(text) };
  }
  const epochMs = instantAt(text, fields);
  if (epochMs === undefined) return undefined;
  const sign = text.charCodeAt(fields[6]) === 45 ? -1 : 1;
  const offsetMinutes = sign * (number(text, fields[7], 2) * 60 + number(text, fields[8], 2));
  return { rfc3339: rfc3339Of(text, fields), epochMs, offsetMinutes };
}

/** Only the instant (epoch ms) of an export date, for dates that are never written back out. */
export function exportInstant(text: string): number | undefined {
  const fields = dialectOf(text);
  if (fields === undefined) return text.length >= 20 && text.charCodeAt(10) === 84 ? parseRfc3339(text) : undefined;
  return instantAt(text, fields);
}

type Fields = typeof CURRENT_FIELDS | typeof COMPACT_FIELDS;

function dialectOf(text: string): Fields | undefined {
  if (text.length === CURRENT_LENGTH) {
    if (
      text.charCodeAt(4) === 45 && text.charCodeAt(7) === 45 && text.charCodeAt(10) === 32 &&
      text.charCodeAt(13) === 58 && text.charCodeAt(16) === 58 && text.charCodeAt(19) === 32
    ) {
      return CURRENT_FIELDS;
    }
    return undefined;
  }
  return text.length === COMPACT_LENGTH ? COMPACT_FIELDS : undefined;
}

function instantAt(text: string, f: Fields): number | undefined {
  const year = number(text, f[0], 4);
  const month = number(text, f[1], 2);
  const day = number(text, f[2], 2);
  const hour = number(text, f[3], 2);
  const minute = number(text, f[4], 2);
  const second = number(text, f[5], 2);
  const sign = text.charCodeAt(f[6]);
  const offsetHours = number(text, f[7], 2);
  const offsetMinutes = number(text, f[8], 2);
  if ((year | month | day | hour | minute | second | offsetHours | offsetMinutes) < 0) return undefined;
  if (sign !== 43 && sign !== 45) return undefined;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const offset = (sign === 45 ? -1 : 1) * (offsetHours * 60 + offsetMinutes);
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute - offset) * 60 + second) * 1000;
}

/** The last written offset (+0100) and its RFC 3339 form (+01:00): an export holds few of them. */
let lastWritten = '+0000';
let lastOffset = '+00:00';

function rfc3339Of(text: string, f: Fields): string {
  if (f === CURRENT_FIELDS) {
    if (
      text.charCodeAt(20) !== lastWritten.charCodeAt(0) || text.charCodeAt(21) !== lastWritten.charCodeAt(1) ||
      text.charCodeAt(22) !== lastWritten.charCodeAt(2) || text.charCodeAt(23) !== lastWritten.charCodeAt(3) ||
      text.charCodeAt(24) !== lastWritten.charCodeAt(4)
    ) {
      lastWritten = text.slice(20, 25);
      lastOffset = `${lastWritten.slice(0, 3)}:${lastWritten.slice(3)}`;
    }
    return text.slice(0, 10) + 'T' + text.slice(11, 19) + lastOffset;
  }
  return (
    `${text.slice(0, 4)}-${text.slice(4, 6)}-${text.slice(6, 8)}T${text.slice(8, 10)}:${text.slice(10, 12)}:` +
    `${text.slice(12, 14)}${text.slice(14, 17)}:${text.slice(17, 19)}`
  );
}

function rfc3339Offset(text: string): number {
  const last = text.charCodeAt(text.length - 1);
  if (last === 90 || last === 122) return 0; // Z, z
  const at = text.length - 6;
  const minutes = number(text, at + 1, 2) * 60 + number(text, at + 4, 2);
  return text.charCodeAt(at) === 45 ? -minutes : minutes;
}

/** The decimal number of `count` digits at `from`, or -1 when one is not a digit. */
function number(text: string, from: number, count: number): number {
  let value = 0;
  for (let k = from; k < from + count; k += 1) {
    const digit = text.charCodeAt(k) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  return era * 146097 + yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear - 719468;
}
