// Whether a zstd body ends where a frame ends (RFC 8878 §3.1). libzstd's streaming decoder, as
// node:zlib runs it in Bun, takes a frame cut short as the end of the input: no error, and only
// what the complete blocks held (often nothing). So a truncated upload would reach the JSON parser
// and be answered MALFORMED_JSON, while a truncated gzip one is MALFORMED_BODY_ENCODING. This
// walks the frames' structure alongside the decoder — headers and block headers only, skipping
// each block's payload unread — and says at the end of the input whether the last frame was whole.
// Corrupt block contents are still the decoder's to find.

const ZSTD_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const DICTIONARY_ID_BYTES = [0, 1, 2, 4];
const CONTENT_SIZE_BYTES = [0, 2, 4, 8];
const CHECKSUM_BYTES = 4;
const BLOCK_TYPE_RLE = 1;
const BLOCK_TYPE_RESERVED = 3;

type Expecting = 'magic' | 'descriptor' | 'frame header' | 'block header' | 'skippable size';

export class ZstdFrameBoundaries {
  /** the bytes of the header being read, when it straddles chunks */
  private readonly header = new Uint8Array(8);
  private have = 0;
  private want = 4;
  private expecting: Expecting = 'magic';
  /** payload bytes to step over before the next header */
  private skip = 0;
  private checksummed = false;
  private frames = 0;
  private invalid = false;

  /** Walks the next bytes of the body. */
  push(chunk: Uint8Array): void {
    let at = 0;
    while (at < chunk.length && !this.invalid) {
      if (this.skip > 0) {
        const step = Math.min(this.skip, chunk.length - at);
        this.skip -= step;
        at += step;
        continue;
      }
      const take = Math.min(this.want - this.have, chunk.length - at);
      this.header.set(chunk.subarray(at, at + take), this.have);
      this.have += take;
      at += take;
      if (this.have === this.want) this.headerRead();
    }
  }

  /** True when the bytes so far are one or more whole frames (none cut short, nothing after). */
  complete(): boolean {
    return !this.invalid && this.frames > 0 && this.expecting === 'magic' && this.have === 0 && this.skip === 0;
  }

  private headerRead(): void {
    const h = this.header;
    this.have = 0;
    switch (this.expecting) {
      case 'magic': {
        const magic = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
        if (magic === ZSTD_MAGIC) return this.expect('descriptor', 1);
        if ((magic & SKIPPABLE_MAGIC_MASK) >>> 0 === SKIPPABLE_MAGIC) return this.expect('skippable size', 4);
        this.invalid = true; // not zstd: the decoder says so too
        return;
      }
      case 'descriptor': {
        const descriptor = h[0]!;
        const contentSizeFlag = descriptor >> 6;
        const singleSegment = (descriptor >> 5) & 1;
        this.checksummed = ((descriptor >> 2) & 1) === 1;
        const rest =
          (singleSegment ? 0 : 1) + // window descriptor
          DICTIONARY_ID_BYTES[descriptor & 3]! +
          (contentSizeFlag === 0 ? singleSegment : CONTENT_SIZE_BYTES[contentSizeFlag]!);
        return rest > 0 ? this.expect('frame header', rest) : this.expect('block header', 3);
      }
      case 'frame header':
        return this.expect('block header', 3);
      case 'block header': {
        const block = h[0]! | (h[1]! << 8) | (h[2]! << 16);
        const last = (block & 1) === 1;
        const type = (block >> 1) & 3;
        if (type === BLOCK_TYPE_RESERVED) {
          this.invalid = true;
          return;
        }
        this.skip = (type === BLOCK_TYPE_RLE ? 1 : block >>> 3) + (last && this.checksummed ? CHECKSUM_BYTES : 0);
        if (!last) return this.expect('block header', 3);
        this.frames++;
        return this.expect('magic', 4);
      }
      case 'skippable size':
        this.skip = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
        this.frames++;
        return this.expect('magic', 4);
    }
  }

  private expect(what: Expecting, bytes: number): void {
    this.expecting = what;
    this.want = bytes;
  }
}

/** Whether `encoded` is whole zstd frames, one or more (see ZstdFrameBoundaries). */
export function zstdFramesComplete(encoded: Uint8Array): boolean {
  const frames = new ZstdFrameBoundaries();
  frames.push(encoded);
  return frames.complete();
}
