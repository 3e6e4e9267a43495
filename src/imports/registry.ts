// The registry of import formats (CONTRACT §9): GET /imports/formats and the POST routes are
// generated from it. Adding a format is one folder under formats/ and one line below.
import type { ImportFormat } from './format.ts';
import { appleHealthFormat } from './formats/apple-health/index.ts';
import { csvFormat } from './formats/csv/index.ts';

/** The parameters every format takes (query string of the POST, flags of the CLI). */
export const IMPORT_PARAMETERS = [
  {
    name: 'timeZone',
    description:
      'IANA zone of the user (e.g. Europe/Berlin): each record without its own zone gets the offset in force at its own time there',
  },
] as const;

export interface ImportRegistry {
  readonly formats: readonly ImportFormat[];
  find(name: string): ImportFormat | undefined;
}

export function createImportRegistry(formats: readonly ImportFormat[]): ImportRegistry {
  const byName = new Map<string, ImportFormat>();
  for (const format of formats) {
    if (byName.has(format.name)) throw new Error(`two import formats are named ${format.name}`);
    byName.set(format.name, format);
  }
  return { formats, find: (name) => byName.get(name) };
}

export const defaultImportRegistry = createImportRegistry([appleHealthFormat, csvFormat]);
