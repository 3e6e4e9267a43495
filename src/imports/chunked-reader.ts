// The part every format's reader shares: counting the input bytes as they are pulled (the
// import's byte progress) and handing out items one at a time from the format's batches.

import type { ImportItem, ImportReader } from './format.ts';

export abstract class ChunkedImportReader implements ImportReader {
  bytesRead = 0;

  constructor(private readonly chunks: AsyncIterable<Uint8Array>) {}

  /** The format's items in file order, one array per piece of input it has scanned. */
  abstract batches(): AsyncGenerator<ImportItem[]>;

  async *[Symbol.asyncIterator](): AsyncIterator<ImportItem> {
    for await (const batch of this.batches()) yield* batch;
  }

  /** The input, counted into bytesRead as each chunk is pulled. */
  protected async *countedChunks(): AsyncGenerator<Uint8Array> {
    for await (const chunk of this.chunks) {
      this.bytesRead += chunk.length;
      yield chunk;
    }
  }
}
