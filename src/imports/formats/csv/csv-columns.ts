// The columns of the "csv" import format (CONTRACT §9): the sample fields of §4.1 by name, and
// the inverse, one read item (§7) as a CSV line, so that GET /export?format=csv re-imports
// unchanged. Only what a §4.1 sample carries is written: timezoneSource and localDate are the
// service's own derivations and come back by themselves.

import { VALUE_KINDS, type ValueKind } from '../../../domain/types.ts';

/** Every column the reader understands, in the order toCsvLine writes them. */
export const CSV_COLUMNS = [
  'sourceId',
  'sourceRecordId',
  'metricCode',
  'valueKind',
  'value',
  'unit',
  'categoryCode',
  'durationSeconds',
  'startAt',
  'endAt',
  'timezoneOffsetMinutes',
  'metadata',
  'sourceVersion',
] as const;
export type CsvColumn = (typeof CSV_COLUMNS)[number];

/** A header must name these; the others are optional. */
export const REQUIRED_CSV_COLUMNS: readonly CsvColumn[] = ['sourceId', 'sourceRecordId', 'metricCode', 'startAt'];
export const NUMBER_COLUMNS: ReadonlySet<CsvColumn> = new Set(['value', 'durationSeconds', 'timezoneOffsetMinutes', 'sourceVersion']);
export const CSV_LINE_END = '\r\n';

/** A sample as GET /samples and GET /export give it (CONTRACT §7); absent values are null. */
export interface ReadSampleItem {
  sourceId: string;
  sourceRecordId: string;
  metricCode: string;
  valueKind: ValueKind;
  value: number | null;
  unit: string | null;
  categoryCode: string | null;
  durationSeconds: number | null;
  startAt: string;
  endAt: string | null;
  timezoneOffsetMinutes: number | null;
  timezoneSource: string | null;
  localDate?: string | null;
  metadata: Record<string, unknown> | null;
  sourceVersion: number | null;
}

export function isValueKind(text: string): text is ValueKind {
  return (VALUE_KINDS as readonly string[]).includes(text);
}

/** The header line toCsvLine's lines go under (with its CRLF). */
export function csvHeaderLine(): string {
  return CSV_COLUMNS.join(',') + CSV_LINE_END;
}

/**
 * One item as a CSV line (with its CRLF). The offset is written when it came with the sample
 * (timezoneSource "sample" or "header"); one the service derived from metadata.timeZone or its
 * default is left out, so a re-import derives it again the same way.
 */
export function toCsvLine(item: ReadSampleItem): string {
  const derivedOffset = item.timezoneSource === 'zone' || item.timezoneSource === 'default';
  const metadata = item.metadata !== null && Object.keys(item.metadata).length > 0 ? JSON.stringify(item.metadata) : null;
  const cells: (string | number | null)[] = [
    item.sourceId,
    item.sourceRecordId,
    item.metricCode,
    item.valueKind,
    item.value,
    item.unit,
    item.categoryCode,
    item.durationSeconds,
    item.startAt,
    item.endAt,
    derivedOffset ? null : item.timezoneOffsetMinutes,
    metadata,
    item.sourceVersion,
  ];
  return cells.map(csvField).join(',') + CSV_LINE_END;
}

/** RFC 4180: quoted when it holds a comma, a quote or a line break; quotes doubled. */
export function csvField(value: string | number | null): string {
  if (value === null) return '';
  const text = typeof value === 'number' ? String(value) : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
