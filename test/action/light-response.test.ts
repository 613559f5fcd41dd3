import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { httpFetch } from '../../action/http-fetch.js';
import { LightHeaders } from '../../action/light-response.js';

const PAIRS: Array<[string, string]> = [
  ['Content-Type', 'application/json'],
  ['X-Two', 'a'],
  ['set-cookie', 'a=1'],
  ['x-two', 'b'],
  ['Set-Cookie', 'b=2'],
  ['ETag', '"v1"'],
];

describe('LightHeaders: the Headers API of an answer', () => {
  test('names are case-insensitive; repeated values are joined with ", " as fetch does', () => {
    const headers = new LightHeaders(PAIRS);
    expect(headers.get('content-type')).toBe('application/json');
    expect(headers.get('CONTENT-TYPE')).toBe('application/json');
    expect(headers.get('x-two')).toBe('a, b');
    expect(headers.get('missing')).toBeNull();
    expect(headers.has('Etag')).toBe(true);
    expect(headers.has('missing')).toBe(false);
    expect(headers.getSetCookie()).toEqual(['a=1', 'b=2']);
  });

  test('iterates, entries, keys, values and forEach exactly as Node’s Headers', () => {
    const ours = new LightHeaders(PAIRS);
    const node = new Headers(PAIRS);
    expect([...ours]).toEqual([...node]);
    expect([...ours.entries()]).toEqual([...node.entries()]);
    expect([...ours.keys()]).toEqual([...node.keys()]);
    expect([...ours.values()]).toEqual([...node.values()]);
    const seen = (h: Headers) => {
      const out: string[] = [];
      h.forEach((value, key, parent) => out.push(`${key}=${value}:${parent === h}`));
      return out;
    };
    expect(seen(ours)).toEqual(seen(node));
    expect(Object.fromEntries(ours)).toEqual({
      'content-type': 'application/json',
      etag: '"v1"',
      'set-cookie': 'b=2',
      'x-two': 'a, b',
    });
    expect(Object.prototype.toString.call(ours)).toBe('[object Headers]');
  });

  test('an answer’s headers are read-only', () => {
    const headers = new LightHeaders(PAIRS);
    expect(() => headers.set('etag', 'x')).toThrow(TypeError);
    expect(() => headers.append('etag', 'x')).toThrow(TypeError);
    expect(() => headers.delete('etag')).toThrow(TypeError);
    expect(headers.get('etag')).toBe('"v1"');
  });
});

let srv: Server;
let base: string;
/** Paths whose answer the client dropped before it was complete. */
const dropped: string[] = [];

beforeAll(async () => {
  srv = createServer((req: IncomingMessage, res: ServerResponse) => {
    res.on('close', () => (res.writableFinished ? undefined : dropped.push(req.url ?? '')));
    const path = (req.url ?? '').split('?')[0];
    if (path === '/json') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true,"items":[1,2]}');
    } else if (path === '/bom') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('héllo')]));
    } else if (path === '/bytes') {
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-encoding': 'gzip' });
      res.end(gzipSync(Buffer.from([0, 1, 2, 250, 255])));
    } else if (path === '/chunks') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('one ');
      setTimeout(() => res.write('two '), 20).unref();
      setTimeout(() => res.end('three'), 40).unref();
    } else if (path === '/endless') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('x'.repeat(1024));
    } else if (path === '/cut') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '100' });
      res.write('partial');
      setTimeout(() => res.destroy(), 20).unref();
    } else if (path === '/empty') {
      res.writeHead(204).end();
    } else {
      res.writeHead(404, 'Nope', { 'content-type': 'text/plain' }).end('not here');
    }
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
});
afterAll(async () => {
  srv.closeAllConnections();
  await new Promise<void>((resolve) => srv.close(() => resolve()));
});

describe('the Action’s fetch answers with a light Response', () => {
  test('json(), text() and arrayBuffer() read what Node’s fetch reads', async () => {
    for (const path of ['/json', '/bom', '/bytes', '/missing']) {
      const [ours, node] = [await httpFetch(`${base}${path}`), await fetch(`${base}${path}`)];
      expect([ours.status, ours.statusText, ours.ok]).toEqual([node.status, node.statusText, node.ok]);
      if (path === '/json') expect(await ours.json()).toEqual(await node.json());
      else if (path === '/bytes') {
        const bytes = await ours.arrayBuffer();
        expect(bytes).toBeInstanceOf(ArrayBuffer);
        expect(new Uint8Array(bytes)).toEqual(new Uint8Array(await node.arrayBuffer()));
      } else expect(await ours.text()).toBe(await node.text());
    }
  });

  test('the body is a web stream that delivers every chunk, then closes', async () => {
    const response = await httpFetch(`${base}/chunks`);
    expect(response.bodyUsed).toBe(false);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const parts: string[] = [];
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      expect(value).toBeInstanceOf(Uint8Array);
      parts.push(Buffer.from(value).toString());
    }
    expect(parts.join('')).toBe('one two three');
    expect(parts.length).toBeGreaterThan(1);
    expect(response.bodyUsed).toBe(true);
  });

  test('bodyUsed turns true on a read; a second read is a TypeError, as with fetch', async () => {
    const response = await httpFetch(`${base}/json`);
    expect(response.bodyUsed).toBe(false);
    void response.body; // looking at the stream does not use it
    expect(response.bodyUsed).toBe(false);
    expect(await response.text()).toBe('{"ok":true,"items":[1,2]}');
    expect(response.bodyUsed).toBe(true);
    await expect(response.json()).rejects.toThrow(
      new TypeError('Body is unusable: Body has already been read'),
    );
  });

  test('a 204 has a null body that reads as empty and is never used', async () => {
    const response = await httpFetch(`${base}/empty`);
    expect(response.body).toBeNull();
    expect(await response.text()).toBe('');
    expect((await response.arrayBuffer()).byteLength).toBe(0);
    expect(response.bodyUsed).toBe(false);
  });

  test('cancelling the body drops the connection of an answer that never ends', async () => {
    const response = await httpFetch(`${base}/endless?cancel`);
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect((await reader.read()).value?.byteLength).toBeGreaterThan(0);
    await reader.cancel();
    expect(response.bodyUsed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(dropped).toContain('/endless?cancel');
  });

  test('a connection cut mid-body rejects the read with fetch failed, as Node’s fetch does', async () => {
    const ours = await httpFetch(`${base}/cut`);
    const node = await fetch(`${base}/cut`);
    const [a, b] = await Promise.all([
      ours.text().catch((e: unknown) => e),
      node.text().catch((e: unknown) => e),
    ]);
    // Node's fetch rejects with its realm's TypeError ('terminated'); ours with fetch's network error.
    expect((b as Error).name).toBe('TypeError');
    expect(a).toBeInstanceOf(TypeError);
    expect((a as Error).message).toBe('fetch failed');
    expect(((a as Error).cause as { code?: string }).code).toBe('ECONNRESET');
  });

  test('an abort while text() waits rejects with the signal’s reason and closes the connection', async () => {
    const controller = new AbortController();
    const response = await httpFetch(`${base}/endless?abort`, { signal: controller.signal });
    const reading = response.text();
    setTimeout(() => controller.abort(), 20);
    await expect(reading).rejects.toMatchObject({ name: 'AbortError' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(dropped).toContain('/endless?abort');
  });
});
