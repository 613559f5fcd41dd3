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
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).subarray(0, limit).toString('utf8');
}
