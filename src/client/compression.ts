// Request bodies compressed with the platform's CompressionStream (CONTRACT §4.1 accepts gzip
// bodies and applies its caps to the decoded bytes). Where the platform has none (React Native)
// bodies go uncompressed.

/** The gzip bytes of the text, or undefined when this platform cannot compress. */
export async function gzip(text: string): Promise<Uint8Array | undefined> {
  if (typeof CompressionStream === 'undefined' || typeof ReadableStream === 'undefined') return undefined;
  const bytes = new TextEncoder().encode(text);
  const source = new ReadableStream<ArrayBufferView | ArrayBuffer>({
    start(controller) {
      controller.enqueue(bytes);
      controller.close();
    },
  });
  return collect(source.pipeThrough(new CompressionStream('gzip')));
}

/** Every chunk of a byte stream, in one array. */
export async function collect(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    total += value.byteLength;
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
