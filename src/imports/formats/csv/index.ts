// The "csv" import format (CONTRACT §9): UTF-8 CSV with a header row naming the sample fields.

import { DETECT_BYTES, type ImportFormat } from '../../format.ts';
import { REQUIRED_CSV_COLUMNS } from './csv-columns.ts';
import { CsvImportReader } from './csv-reader.ts';

export { csvHeaderLine, toCsvLine, CSV_COLUMNS, type ReadSampleItem } from './csv-columns.ts';

export const csvFormat: ImportFormat = {
  name: 'csv',
  description:
    'UTF-8 CSV (RFC 4180) with a header row; the columns are the sample fields of an upload by name ' +
    '(sourceId, sourceRecordId, metricCode, startAt required), metadata as a JSON object.',
  // application/vnd.ms-excel: what Windows browsers call a .csv
  contentTypes: ['text/csv', 'application/csv', 'application/vnd.ms-excel', 'text/plain'],
  detect(firstBytes) {
    const bytes = firstBytes.subarray(0, DETECT_BYTES);
    if (bytes.includes(0)) return false;
    let text: string;
    try {
      // stream: true tolerates a character cut at the end of the first bytes.
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    } catch {
      return false;
    }
    const firstLine = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/, 1)[0]!;
    const names = firstLine.split(',').map((name) => name.trim().replace(/^"(.*)"$/, '$1'));
    return REQUIRED_CSV_COLUMNS.every((column) => names.includes(column));
  },
  read(chunks, options) {
    return new CsvImportReader(chunks, options);
  },
};
