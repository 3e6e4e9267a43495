// Helpers for the import format tests: feed bytes in chunks of a given size, collect what a
// reader yields (and the error that ended it), and zip files the way the Health app lays out
// its export.
import { zipSync, type Zippable } from 'fflate';
import { defaultCatalog, resolveMetric } from '../../src/domain/catalog/catalog.ts';
import { ImportFileError, type ImportFormat, type ImportItem, type KindOf, type ReadOptions } from '../../src/imports/format.ts';

/** The catalog's kinds, falling back to the identifier's family while the catalog is being extended. */
export const catalogKindOf: KindOf = (code) =>
  resolveMetric(defaultCatalog, code)?.kind ??
  (code.startsWith('HKCategoryTypeIdentifier') ? 'CATEGORY' : code === 'HKWorkoutTypeIdentifier' ? 'INTERVAL_NUM' : undefined);

export const GIB = 2 ** 30;

export async function* chunksOf(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.slice(at, at + size);
}

export interface ReadResult {
  items: ImportItem[];
  failure: ImportFileError | undefined;
  bytesRead: number;
}

export async function readAll(
  format: ImportFormat,
  bytes: Uint8Array,
  chunkSize = 64 * 1024,
  options: Partial<ReadOptions> = {},
): Promise<ReadResult> {
  const reader = format.read(chunksOf(bytes, chunkSize), { kindOf: catalogKindOf, maxExpandedBytes: GIB, ...options });
  const items: ImportItem[] = [];
  try {
    for await (const batch of reader.batches()) items.push(...batch);
    return { items, failure: undefined, bytesRead: reader.bytesRead };
  } catch (error) {
    if (error instanceof ImportFileError) return { items, failure: error, bytesRead: reader.bytesRead };
    throw error;
  }
}

/** export.xml (and any other entries) in a zip as the Health app names them, sizes in the local headers. */
export function healthAppZip(exportXml: Uint8Array, others: Zippable = {}, level: 0 | 6 = 6): Uint8Array {
  return zipSync({ 'apple_health_export/': {}, ...others, 'apple_health_export/export.xml': [exportXml, { level }] });
}

export const encoder = new TextEncoder();
