/**
 * The first `limit` bytes of a response body as text; the rest is never read (the stream is cancelled).
 * For answers only quoted in an error line (a notification receiver's): a receiver answering 400 MB must
 * not bring the monitor's memory with it.
 */
export async function readPrefix(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < limit) {
      const value = await nextChunk(reader);
      if (!value) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}

/**
 * The next chunk of a response body, undefined at its end. The stream's type says `any`: the chunk is checked
 * to be bytes (from any realm: a view of another realm's buffer is taken, never copied) before it is used.
 */
export async function nextChunk(
  reader: ReadableStreamDefaultReader<unknown>,
): Promise<Uint8Array | undefined> {
  const { done, value } = await reader.read();
  if (done) return undefined;
  if (value instanceof Uint8Array) return value;
  if (ArrayBuffer.isView(value)) return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  throw new TypeError(`A response body gave a chunk that is not bytes (${typeof value}).`);
}
