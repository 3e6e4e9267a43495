// The counts of an import (CONTRACT §9 progress), kept by the slice that holds the import's lease
// and stored whole with every group it writes. Pure: the slice feeds it items and write outcomes.
import { MAX_IMPORT_ERRORS, type ImportRecordErrorT } from './import-schema.ts';

export interface ImportCounts {
  recordsRead: number;
  accepted: number;
  unchanged: number;
  failed: number;
  failedByCode: Record<string, number>;
  skippedByType: Record<string, number>;
  errors: ImportRecordErrorT[];
}

export const emptyCounts = (): ImportCounts => ({
  recordsRead: 0,
  accepted: 0,
  unchanged: 0,
  failed: 0,
  failedByCode: {},
  skippedByType: {},
  errors: [],
});

export class ImportTally {
  readonly counts: ImportCounts;

  constructor(start: ImportCounts = emptyCounts()) {
    this.counts = {
      ...start,
      failedByCode: { ...start.failedByCode },
      skippedByType: { ...start.skippedByType },
      errors: [...start.errors],
    };
  }

  read(items: number): void {
    this.counts.recordsRead += items;
  }

  skipped(type: string): void {
    this.counts.skippedByType[type] = (this.counts.skippedByType[type] ?? 0) + 1;
  }

  /** A record that was not stored; the first MAX_IMPORT_ERRORS are kept with where they were. */
  failed(code: string, message: string, at: { line: number; record: number }): void {
    this.counts.failed += 1;
    this.counts.failedByCode[code] = (this.counts.failedByCode[code] ?? 0) + 1;
    if (this.counts.errors.length < MAX_IMPORT_ERRORS) {
      this.counts.errors.push({ ...(at.line > 0 ? { line: at.line } : {}), ...(at.record > 0 ? { record: at.record } : {}), code, message });
    }
  }

  written(accepted: number, unchanged: number): void {
    this.counts.accepted += accepted;
    this.counts.unchanged += unchanged;
  }

  /** A copy that later changes do not touch (what a group commits with). */
  snapshot(): ImportCounts {
    return new ImportTally(this.counts).counts;
  }
}
