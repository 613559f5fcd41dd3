import { describe, expect, test } from '@jest/globals';
import { nextChunk, readPrefix } from '../../src/util/read.js';

function streamOf(chunks: unknown[]): ReadableStream<unknown> {
  return new ReadableStream({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
}

describe('nextChunk', () => {
  test('gives bytes, then undefined at the end', async () => {
    const reader = streamOf([new TextEncoder().encode('ok')]).getReader();
    expect(Buffer.from((await nextChunk(reader)) ?? []).toString()).toBe('ok');
    expect(await nextChunk(reader)).toBeUndefined();
  });

  test('takes a view of another typed array (a Buffer, a DataView) without copying', async () => {
    const view = new DataView(new TextEncoder().encode('xhiy').buffer, 1, 2);
    const chunk = await nextChunk(streamOf([view]).getReader());
    expect(Buffer.from(chunk ?? []).toString()).toBe('hi');
  });

  test('refuses a chunk that is not bytes instead of reading its fields', async () => {
    await expect(nextChunk(streamOf(['text']).getReader())).rejects.toThrow('not bytes (string)');
    const hostile = { byteLength: 1e12, subarray: () => 'x' };
    await expect(nextChunk(streamOf([hostile]).getReader())).rejects.toThrow('not bytes (object)');
  });

  test('readPrefix reads through it', async () => {
    const response = new Response(new Blob(['hello world']).stream());
    expect(await readPrefix(response, 5)).toBe('hello');
  });
});
