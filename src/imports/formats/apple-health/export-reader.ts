// Reads a Health app export — export.zip as the Health app writes it, or the bare export.xml —
// from a stream of byte chunks into import items: zip entry → UTF-8 text → XML tags → top-level
// elements → items (record-mapping.ts). Nothing is held beyond one input chunk, what it inflates
// to, and the element being read; Location and InstantaneousBeatsPerMinute lists are counted
// past, never kept.

import { ByteSource } from '../../byte-source.ts';
import { ChunkedImportReader } from '../../chunked-reader.ts';
import { ImportFileError, type ImportItem, type ReadOptions } from '../../format.ts';
import { ExportRecordMapper, type ExportElement } from './record-mapping.ts';
import { EXPORT_NAMES, ExportAttributes, metadataEntryOf } from './export-attributes.ts';
import { XmlScanner, XmlSyntaxError, type AttributeList, type XmlHandler } from './xml-scanner.ts';
import { ZipReadError, zipEntryBytes } from './zip-entry-stream.ts';

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];
/** Children kept per element: a real record has a handful; more is a hostile file. */
const MAX_METADATA_ENTRIES = 256;
const MAX_STATISTICS = 64;
const NONE: never[] = [];

/** The zip entry that holds the records: apple_health_export/export.xml (any folder). */
export function isExportXml(name: string): boolean {
  if (name.endsWith('/') || name.startsWith('__MACOSX/')) return false;
  const slash = name.lastIndexOf('/');
  return name.slice(slash + 1) === 'export.xml';
}

export class AppleHealthExportReader extends ChunkedImportReader {
  constructor(
    chunks: AsyncIterable<Uint8Array>,
    private readonly options: ReadOptions,
  ) {
    super(chunks);
  }

  async *batches(): AsyncGenerator<ImportItem[]> {
    const source = new ByteSource(this.countedChunks());
    try {
      yield* this.itemsOf(source);
    } finally {
      // Reading stops at the end of export.xml, or when the consumer stops: release the input.
      await source.close();
    }
  }

  private async *itemsOf(source: ByteSource): AsyncGenerator<ImportItem[]> {
    const isZip = (await source.fill(4)) && ZIP_MAGIC.every((byte, k) => source.byteAt(k) === byte);
    const xmlBytes = isZip
      ? zipEntryBytes(source, isExportXml, this.options.maxExpandedBytes)
      : remainingBytes(source);
    const builder = new ElementBuilder(new ExportRecordMapper(this.options));
    const scanner = new XmlScanner(builder, EXPORT_NAMES);
    builder.scanner = scanner;
    const decoder = new TextDecoder('utf-8', { fatal: true });
    try {
      for await (const bytes of xmlBytes) {
        scanner.push(decoder.decode(bytes, { stream: true }));
        if (builder.items.length > 0) yield builder.take();
      }
      scanner.push(decoder.decode());
      scanner.end();
    } catch (error) {
      const failure = asFileError(error, builder, scanner);
      if (builder.items.length > 0) yield builder.take();
      throw failure;
    }
    if (builder.items.length > 0) yield builder.take();
  }
}

async function* remainingBytes(source: ByteSource): AsyncGenerator<Uint8Array> {
  for (;;) {
    const piece = await source.takeUpTo(Number.MAX_SAFE_INTEGER);
    if (piece === undefined) return;
    yield piece;
  }
}

/** Collects each top-level child of <HealthData> with the children the mapping reads, then maps it. */
class ElementBuilder implements XmlHandler {
  items: ImportItem[] = [];
  scanner!: XmlScanner;
  record = 0;
  private current: ExportElement | undefined;
  private readonly nextRecord = () => ++this.record;

  constructor(private readonly mapper: ExportRecordMapper) {}

  take(): ImportItem[] {
    const items = this.items;
    this.items = [];
    return items;
  }

  open(name: string, attributes: AttributeList, selfClosing: boolean, depth: number, at: number): void {
    if (depth === 1) {
      this.current = {
        name,
        attributes: ExportAttributes.from(attributes),
        metadataEntries: NONE,
        statistics: NONE,
        routes: 0,
        record: ++this.record,
        line: this.scanner.lineAt(at),
      };
      if (selfClosing) this.finish();
    } else if (depth === 2 && this.current !== undefined) {
      this.child(this.current, name, attributes);
    } else if (depth === 0 && name !== 'HealthData') {
      throw new ImportFileError('NOT_AN_EXPORT', `the XML's root is <${name}>, not the Health app's <HealthData>`, {
        record: 0,
        line: this.scanner.lineAt(at),
      });
    }
  }

  close(_name: string, depth: number): void {
    if (depth === 1) this.finish();
  }

  private child(element: ExportElement, name: string, attributes: AttributeList): void {
    if (name === 'MetadataEntry') {
      if (element.metadataEntries === NONE) element.metadataEntries = [];
      if (element.metadataEntries.length < 2 * MAX_METADATA_ENTRIES) {
        const [key, value] = metadataEntryOf(attributes);
        element.metadataEntries.push(key, value);
      }
    } else if (name === 'WorkoutStatistics') {
      if (element.statistics === NONE) element.statistics = [];
      if (element.statistics.length < MAX_STATISTICS) element.statistics.push(ExportAttributes.from(attributes));
    } else if (name === 'WorkoutRoute') {
      element.routes += 1;
    }
  }

  private finish(): void {
    const element = this.current!;
    this.current = undefined;
    this.mapper.map(element, this.nextRecord, this.items);
  }
}

const FILE_ERROR_OF = { malformed: 'MALFORMED_FILE', truncated: 'TRUNCATED_FILE', 'too-large': 'ELEMENT_TOO_LARGE' } as const;

function asFileError(error: unknown, builder: ElementBuilder, scanner: XmlScanner): ImportFileError {
  if (error instanceof ImportFileError) return error;
  const position = { record: builder.record, line: 0 };
  if (error instanceof ZipReadError) return new ImportFileError(error.code, error.message, position);
  if (error instanceof XmlSyntaxError) {
    position.line = scanner.lineAt(error.at);
    const code = FILE_ERROR_OF[error.reason];
    return new ImportFileError(code, `${error.message} (line ${position.line})`, position);
  }
  if (error instanceof TypeError && /decode|utf-?8|encoded/i.test(error.message)) {
    return new ImportFileError('MALFORMED_FILE', 'the export is not UTF-8 text', position);
  }
  throw error;
}
