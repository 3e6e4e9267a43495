// Where the genuine Health exports live (../shared/realdata beside the project; CI lays shared/
// beside its clone the same way). Tests and benches read them from there, never a copy.
import { readdirSync } from 'node:fs';
import path from 'node:path';

export const REALDATA_DIR = path.resolve(import.meta.dir, '../../../shared/realdata');

/** The Health app exports among them (every *.xml file). */
export function realExportFiles(): string[] {
  return readdirSync(REALDATA_DIR)
    .filter((name) => name.endsWith('.xml'))
    .sort()
    .map((name) => path.join(REALDATA_DIR, name));
}
