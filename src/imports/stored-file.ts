// An import's stored upload read back in order (import_chunks), a few rows per round trip: what
// the format's reader streams through, in bounded memory.
import type { Queryable } from '../db/client.ts';
import { readChunks } from './queries.ts';

/** Rows fetched per round trip (IMPORT_CHUNK_BYTES each). */
const CHUNKS_PER_READ = 4;

export async function* storedFile(db: Queryable, importId: string): AsyncGenerator<Uint8Array> {
  let next = 0;
  for (;;) {
    const rows = await readChunks(db, importId, next, CHUNKS_PER_READ);
    for (const row of rows) {
      if (row.seq !== next) throw new Error(`chunk ${next} of import ${importId} is missing`);
      next += 1;
      yield row.bytes;
    }
    if (rows.length < CHUNKS_PER_READ) return;
  }
}
