// A pull reader over a stream of byte chunks: fill to a length, take, skip, and push back what a
// decoder did not use. It holds at most one input chunk plus what was asked for at once.

export class ByteSource {
  private readonly iterator: AsyncIterator<Uint8Array>;
  private buffer: Uint8Array = new Uint8Array(0);
  private offset = 0;
  private done = false;
  /** Bytes handed out by take/skip/takeUpTo so far (their offset in the stream, for messages). */
  consumed = 0;

  constructor(chunks: AsyncIterable<Uint8Array>) {
    this.iterator = chunks[Symbol.asyncIterator]();
  }

  get buffered(): number {
    return this.buffer.length - this.offset;
  }

  /** Buffers at least `length` bytes; false when the stream ends first. */
  async fill(length: number): Promise<boolean> {
    while (this.buffered < length) {
      const next = await this.pull();
      if (next === undefined) return false;
      const rest = this.buffer.subarray(this.offset);
      const joined = new Uint8Array(rest.length + next.length);
      joined.set(rest, 0);
      joined.set(next, rest.length);
      this.buffer = joined;
      this.offset = 0;
    }
    return true;
  }

  /** The buffered byte at `index` from the read position (after fill). */
  byteAt(index: number): number {
    return this.buffer[this.offset + index]!;
  }

  /** The buffered bytes [from, to) from the read position, without consuming them (after fill). */
  peek(from: number, to: number): Uint8Array {
    return this.buffer.subarray(this.offset + from, this.offset + to);
  }

  /** Consumes `length` buffered bytes (after fill). */
  take(length: number): Uint8Array {
    const bytes = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    this.consumed += length;
    return bytes;
  }

  /** Consumes up to `max` bytes: what is buffered, else the next chunk; undefined at the end. */
  async takeUpTo(max: number): Promise<Uint8Array | undefined> {
    if (this.buffered === 0) {
      const next = await this.pull();
      if (next === undefined) return undefined;
      this.buffer = next;
      this.offset = 0;
    }
    return this.take(Math.min(max, this.buffered));
  }

  /** Consumes `length` bytes without keeping them; false when the stream ends first. */
  async skip(length: number): Promise<boolean> {
    let left = length;
    while (left > 0) {
      const piece = await this.takeUpTo(left);
      if (piece === undefined) return false;
      left -= piece.length;
    }
    return true;
  }

  /** Puts back the last `length` bytes handed out by take/takeUpTo (a decoder's unused input). */
  unconsume(length: number): void {
    if (length > this.offset) throw new RangeError('cannot give back more than the current chunk');
    this.offset -= length;
    this.consumed -= length;
  }

  /** Ends the stream early (a reader that stops before its end): lets the producer release what it holds. */
  async close(): Promise<void> {
    if (this.done) return;
    this.done = true;
    await this.iterator.return?.();
  }

  private async pull(): Promise<Uint8Array | undefined> {
    while (!this.done) {
      const next = await this.iterator.next();
      if (next.done) {
        this.done = true;
        return undefined;
      }
      if (next.value.length === 0) continue;
      return next.value;
    }
    return undefined;
  }
}
