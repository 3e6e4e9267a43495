// Reads the "csv" import format (CONTRACT §9) from byte chunks: UTF-8 (a BOM is skipped), a
// header row naming the columns (csv-columns.ts; unknown columns are ignored), one sample per
// record. A record whose fields cannot form a sample (wrong field count, a number that is not
// one, metadata that is not a JSON object) becomes an error item with the line it starts on;
// the records after it go on. Everything else (units, bounds, kinds against the catalog) is the
// service's per-sample validation, as for an upload.
// Time zone: the row's timezoneOffsetMinutes, else its metadata.timeZone, else the caller's
// timeZone as metadata.timeZone, else nothing (the service's default applies).

import type { SampleBodyT } from '../../../domain/ingest/upload-schema.ts';
import type { ValueKind } from '../../../domain/types.ts';
import { ChunkedImportReader } from '../../chunked-reader.ts';
import { ImportFileError, type ImportItem, type ReadOptions } from '../../format.ts';
import { CSV_COLUMNS, isValueKind, NUMBER_COLUMNS, REQUIRED_CSV_COLUMNS, type CsvColumn } from './csv-columns.ts';
import { CsvTokenizer, type CsvRecord } from './csv-records.ts';

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;
const KNOWN_COLUMNS: ReadonlySet<string> = new Set(CSV_COLUMNS);

type Row = Partial<Record<CsvColumn, string>>;

export class CsvImportReader extends ChunkedImportReader {
  private record = 0;

  constructor(
    chunks: AsyncIterable<Uint8Array>,
    private readonly options: ReadOptions,
  ) {
    super(chunks);
  }

  async *batches(): AsyncGenerator<ImportItem[]> {
    const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
    const tokenizer = new CsvTokenizer();
    const records: CsvRecord[] = [];
    let columns: (CsvColumn | undefined)[] | undefined;
    let line = 0;
    const itemsOf = (): ImportItem[] => {
      const items: ImportItem[] = [];
      for (const record of records) {
        line = record.line;
        if (columns === undefined) columns = headerOf(record);
        else items.push(this.item(record, columns));
      }
      records.length = 0;
      return items;
    };
    try {
      for await (const chunk of this.countedChunks()) {
        tokenizer.push(decoder.decode(chunk, { stream: true }), records);
        const items = itemsOf();
        if (items.length > 0) yield items;
      }
      tokenizer.push(decoder.decode(), records);
      tokenizer.end(records);
      const items = itemsOf();
      if (items.length > 0) yield items;
    } catch (error) {
      if (error instanceof ImportFileError) throw error;
      if (error instanceof TypeError) {
        throw new ImportFileError('MALFORMED_FILE', 'the CSV is not UTF-8 text', { record: this.record, line });
      }
      throw error;
    }
    if (columns === undefined) {
      throw new ImportFileError('NOT_AN_EXPORT', 'the CSV has no header row', { record: 0, line: 0 });
    }
  }

  private item(record: CsvRecord, columns: (CsvColumn | undefined)[]): ImportItem {
    const position = { record: ++this.record, line: record.line };
    if ('problem' in record) return { kind: 'error', code: 'MALFORMED_LINE', message: record.problem, ...position };
    if (record.fields.length !== columns.length) {
      return {
        kind: 'error',
        code: 'MALFORMED_LINE',
        message: `the line has ${record.fields.length} fields, the header ${columns.length}`,
        ...position,
      };
    }
    const row: Row = {};
    for (let k = 0; k < columns.length; k += 1) {
      const column = columns[k];
      const field = record.fields[k]!;
      if (column !== undefined && field.length > 0) row[column] = field;
    }
    const mapped = this.sample(row);
    return typeof mapped === 'string'
      ? { kind: 'error', code: 'INVALID_FIELD', message: mapped, ...position }
      : { kind: 'sample', sample: mapped, ...position };
  }

  /** The sample of one row, or what is wrong with it. */
  private sample(row: Row): SampleBodyT | string {
    const numbers: Partial<Record<CsvColumn, number>> = {};
    for (const column of NUMBER_COLUMNS) {
      const text = row[column]?.trim();
      if (text === undefined || text.length === 0) continue;
      if (!JSON_NUMBER.test(text)) return `${column} "${row[column]}" is not a number`;
      numbers[column] = Number(text);
    }
    let metadata: Record<string, unknown> | undefined;
    if (row.metadata !== undefined) {
      let parsed: unknown;
      try {
        parsed = JSON.parse(row.metadata);
      } catch {
        return 'metadata is not JSON';
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return 'metadata is not a JSON object';
      metadata = parsed as Record<string, unknown>;
    }
    let valueKind: ValueKind;
    if (row.valueKind !== undefined) {
      if (!isValueKind(row.valueKind)) return `valueKind "${row.valueKind}" is not one of SCALAR_NUM, CUMULATIVE_NUM, INTERVAL_NUM, CATEGORY`;
      valueKind = row.valueKind;
    } else {
      valueKind = (row.metricCode === undefined ? undefined : this.options.kindOf(row.metricCode)) ?? guessKind(row, numbers);
    }

    // Required text fields stay as they are when absent: the service names what is missing.
    const sample = {
      sourceId: row.sourceId,
      sourceRecordId: row.sourceRecordId,
      metricCode: row.metricCode,
      valueKind,
      startAt: row.startAt,
    } as SampleBodyT;
    if (numbers.value !== undefined) sample.value = numbers.value;
    if (row.unit !== undefined) sample.unit = row.unit;
    if (row.categoryCode !== undefined) sample.categoryCode = row.categoryCode;
    if (numbers.durationSeconds !== undefined) sample.durationSeconds = numbers.durationSeconds;
    if (row.endAt !== undefined) sample.endAt = row.endAt;
    if (numbers.timezoneOffsetMinutes !== undefined) sample.timezoneOffsetMinutes = numbers.timezoneOffsetMinutes;
    if (numbers.sourceVersion !== undefined) sample.sourceVersion = numbers.sourceVersion;
    if (numbers.timezoneOffsetMinutes === undefined && metadata?.timeZone === undefined && this.options.timeZone !== undefined) {
      metadata = { ...metadata, timeZone: this.options.timeZone };
    }
    if (metadata !== undefined) sample.metadata = metadata;
    for (const column of REQUIRED_CSV_COLUMNS) {
      if (sample[column] === undefined) delete sample[column];
    }
    return sample;
  }
}

/** The header's columns by position; undefined for columns the format does not know. */
function headerOf(record: CsvRecord): (CsvColumn | undefined)[] {
  if ('problem' in record) {
    throw new ImportFileError('MALFORMED_FILE', `the CSV header is malformed: ${record.problem}`, { record: 0, line: record.line });
  }
  const names = record.fields.map((field, k) => (k === 0 ? field.replace(/^\uFEFF/, '') : field).trim());
  const missing = REQUIRED_CSV_COLUMNS.filter((column) => !names.includes(column));
  if (missing.length > 0) {
    throw new ImportFileError('NOT_AN_EXPORT', `the CSV header lacks the column(s) ${missing.join(', ')}`, {
      record: 0,
      line: record.line,
    });
  }
  const seen = new Set<string>();
  return names.map((name) => {
    if (seen.has(name)) {
      throw new ImportFileError('MALFORMED_FILE', `the CSV header names ${name} twice`, { record: 0, line: record.line });
    }
    seen.add(name);
    return KNOWN_COLUMNS.has(name) ? (name as CsvColumn) : undefined;
  });
}

/** When the catalog does not know the metric (validation will refuse it), the fields decide. */
function guessKind(row: Row, numbers: Partial<Record<CsvColumn, number>>): ValueKind {
  if (row.categoryCode !== undefined && numbers.value === undefined) return 'CATEGORY';
  if (numbers.durationSeconds !== undefined) return 'INTERVAL_NUM';
  return 'SCALAR_NUM';
}
