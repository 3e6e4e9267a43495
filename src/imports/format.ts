// What every import format (CONTRACT §9) provides, so that the registry is one file per format.
//
// A format turns the bytes of an uploaded file, streamed in chunks, into items: a sample in the
// upload's wire shape (§4.1), a skipped element counted by its type, or a per-record error. It
// reads in bounded memory: never the whole file, never a whole decompressed entry. A file that is
// corrupt part-way (truncated, broken syntax, past the expansion limit) ends the iteration with an
// ImportFileError once every item read before the damage has been handed out.

import type { SampleBodyT } from '../domain/ingest/upload-schema.ts';
import type { ValueKind } from '../domain/types.ts';

/** The catalog's kind of a metric code or platform alias; undefined when the catalog has none. */
export type KindOf = (metricCode: string) => ValueKind | undefined;

export interface ReadOptions {
  /** Decides valueKind (and so whether a value is a number or a category) per metric. */
  kindOf: KindOf;
  /** IANA zone of the user (the POST's `timeZone`); see each format for how it is applied. */
  timeZone?: string;
  /** Decompressed bytes past which the file fails (CONTRACT §9: 20 × MAX_IMPORT_BYTES). */
  maxExpandedBytes: number;
}

/** Where in the file an item came from; `line` is 1-based, `record` is the item's ordinal. */
export interface ItemPosition {
  record: number;
  line: number;
}

export interface SampleItem extends ItemPosition {
  kind: 'sample';
  sample: SampleBodyT;
}

/** An element that is not a sample (ActivitySummary, Correlation, Me, …), counted by `type`. */
export interface SkippedItem extends ItemPosition {
  kind: 'skipped';
  type: string;
}

/** A record that could not be read as a sample; the records beside it go on. */
export interface RecordErrorItem extends ItemPosition {
  kind: 'error';
  code: RecordErrorCode;
  message: string;
}

export type ImportItem = SampleItem | SkippedItem | RecordErrorItem;

export const RECORD_ERROR_CODES = ['INVALID_FIELD', 'MALFORMED_LINE'] as const;
export type RecordErrorCode = (typeof RECORD_ERROR_CODES)[number];

export const FILE_ERROR_CODES = [
  /** The file ends before its structure does (a cut-off zip, an unclosed element or quote). */
  'TRUNCATED_FILE',
  /** The bytes break the format's syntax (not XML, a broken deflate stream, a bad CRC). */
  'MALFORMED_FILE',
  /** Decompressing would pass ReadOptions.maxExpandedBytes (a zip bomb, or just too big). */
  'EXPANSION_LIMIT_EXCEEDED',
  /** A zip without an export.xml, or a CSV without the required columns. */
  'NOT_AN_EXPORT',
  /** Zip features the reader does not handle (encryption, compression methods other than deflate). */
  'UNSUPPORTED_FILE',
  /** One element or line larger than the reader's bound (it would have to be held whole). */
  'ELEMENT_TOO_LARGE',
] as const;
export type FileErrorCode = (typeof FILE_ERROR_CODES)[number];

/** Ends an import: thrown by the item iterator after every item before the damage. */
export class ImportFileError extends Error {
  constructor(
    readonly code: FileErrorCode,
    message: string,
    /** Where reading stopped: the last item handed out and the line (0 when unknown). */
    readonly position: ItemPosition,
  ) {
    super(message);
    this.name = 'ImportFileError';
  }
}

/**
 * One read of one file. Iterate `batches()` (arrays of items in file order, one per input chunk:
 * cheap) or the reader itself (one item at a time). `bytesRead` counts the input bytes consumed
 * so far (compressed bytes for a zip), for progress bars against the upload's size.
 */
export interface ImportReader extends AsyncIterable<ImportItem> {
  readonly bytesRead: number;
  batches(): AsyncIterable<ImportItem[]>;
}

export interface ImportFormat {
  /** The path segment of POST /imports/{format}. */
  readonly name: string;
  readonly description: string;
  /** Content-Type values accepted for the raw body, the first one preferred. */
  readonly contentTypes: readonly string[];
  /** Whether a file starting with these bytes can be this format (a few hundred bytes suffice). */
  detect(firstBytes: Uint8Array): boolean;
  /** Reads a file streamed as byte chunks. */
  read(chunks: AsyncIterable<Uint8Array>, options: ReadOptions): ImportReader;
}

/** How many first bytes a detector is given (it must decide on fewer when the file is shorter). */
export const DETECT_BYTES = 4096;
