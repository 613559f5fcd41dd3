import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { httpFetch } from '../../action/http-fetch.js';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A real server on 127.0.0.1 that records each request and answers per path. */
async function server(handle: (req: IncomingMessage, res: ServerResponse, body: string) => void) {
  const seen: Seen[] = [];
  const srv: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      handle(req, res, body);
    });
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(srv.address() as AddressInfo).port}`;
  const close = () =>
    new Promise<void>((resolve) => {
      srv.closeAllConnections();
      srv.close(() => resolve());
    });
  return { url, seen, close };
}

let main: Awaited<ReturnType<typeof server>>;
let other: Awaited<ReturnType<typeof server>>;

beforeAll(async () => {
  other = await server((req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end(`other ${req.method} auth=${req.headers.authorization ?? 'none'}`);
  });
  main = await server((req, res, body) => {
    const path = (req.url ?? '').split('?')[0];
    if (path === '/json') {
      res.writeHead(200, 'Fine', { 'content-type': 'application/json', 'x-two': ['a', 'b'] });
      res.end(JSON.stringify({ ok: true }));
    } else if (path === '/echo') {
      res.writeHead(201, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, body, type: req.headers['content-type'] ?? null }));
    } else if (path === '/gzip') {
      res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' });
      res.end(gzipSync('unzipped text'));
    } else if (path === '/302') {
      res.writeHead(302, { location: '/echo' });
      res.end();
    } else if (path === '/307') {
      res.writeHead(307, { location: '/echo' });
      res.end();
    } else if (path === '/away') {
      res.writeHead(301, { location: `${other.url}/x` });
      res.end();
    } else if (path === '/loop') {
      res.writeHead(302, { location: '/loop' });
      res.end();
    } else if (path === '/empty') {
      res.writeHead(204);
      res.end();
    } else if (path === '/slow-headers') {
      setTimeout(() => res.writeHead(200).end('late'), 2_000).unref();
    } else if (path === '/slow-body') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first ');
      setTimeout(() => res.end('last'), 2_000).unref();
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not here');
    }
  });
});
afterAll(async () => {
  await Promise.all([main.close(), other.close()]);
});

/**
 * What a caller can observe of a response, minus Date and the connection headers (under jest, nock's
 * interceptor sends node:http requests with `Connection: close`; outside it the agent keeps connections alive).
 */
async function observe(response: Response) {
  const headers = [...response.headers].filter(([k]) => !['date', 'keep-alive', 'connection'].includes(k));
  return {
    status: response.status,
    statusText: response.statusText,
    ok: response.ok,
    url: response.url,
    redirected: response.redirected,
    headers,
    text: await response.text(),
  };
}

describe('fetch over node:http (the Action’s fetch)', () => {
  test.each([
    ['GET JSON with two header values', '/json', {}],
    ['POST a string (text/plain by default)', '/echo', { method: 'POST', body: 'hello' }],
    [
      'POST JSON with its own content type and a Headers object',
      '/echo',
      { method: 'POST', body: '{"a":1}', headers: new Headers({ 'Content-Type': 'application/json' }) },
    ],
    ['a gzip body is decoded', '/gzip', {}],
    ['302 after POST becomes GET without the body', '/302', { method: 'POST', body: 'dropped' }],
    ['307 keeps the method and body', '/307', { method: 'POST', body: 'kept' }],
    ['redirect: manual returns the 302', '/302', { redirect: 'manual' as const }],
    ['a 404 is an answer, not an error', '/missing', {}],
    ['204 has no body', '/empty', {}],
    ['HEAD has no body', '/json', { method: 'HEAD' }],
    [
      'a redirect to another origin drops the authorization header',
      '/away',
      { headers: { authorization: 'token secret' } },
    ],
  ])('%s: the same answer as Node’s fetch', async (_name, path, init: RequestInit) => {
    const ours = await observe(await httpFetch(`${main.url}${path}`, init));
    const node = await observe(await fetch(`${main.url}${path}`, init));
    expect(ours).toEqual(node);
  });

  test('sends what Node’s fetch sends by default: accept, user-agent, accept-encoding', async () => {
    main.seen.length = 0;
    await (await httpFetch(`${main.url}/json`)).text();
    await (await fetch(`${main.url}/json`)).text();
    const [ours, node] = main.seen.map((s) => {
      const { host: _host, connection: _connection, ...rest } = s.headers;
      return rest;
    });
    expect(ours).toEqual(node);
    expect(ours).toMatchObject({ accept: '*/*', 'user-agent': 'node', 'accept-encoding': 'gzip, deflate' });
  });

  test('the token does not follow a redirect to another origin', async () => {
    const response = await httpFetch(`${main.url}/away`, { headers: { authorization: 'token secret' } });
    expect(await response.text()).toBe('other GET auth=none');
    expect(response.url).toBe(`${other.url}/x`);
  });

  test('too many redirects, or redirect: error, reject as fetch does', async () => {
    await expect(httpFetch(`${main.url}/loop`)).rejects.toThrow(TypeError);
    await expect(httpFetch(`${main.url}/302`, { redirect: 'error' })).rejects.toThrow('fetch failed');
  });

  test('a refused connection rejects with fetch failed and the system error as cause', async () => {
    const gone = await server(() => undefined);
    await gone.close();
    const error = (await httpFetch(`${gone.url}/`).catch((e: unknown) => e)) as TypeError & {
      cause?: { code?: string };
    };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect(error.cause?.code).toBe('ECONNREFUSED');
  });

  test('an abort before the headers rejects with the signal’s reason', async () => {
    const started = Date.now();
    const error = await httpFetch(`${main.url}/slow-headers`, { signal: AbortSignal.timeout(100) }).catch(
      (e: unknown) => e,
    );
    expect((error as Error).name).toBe('TimeoutError');
    expect(Date.now() - started).toBeLessThan(1_500);
  });

  test('an abort while the body streams fails the body read', async () => {
    const controller = new AbortController();
    const response = await httpFetch(`${main.url}/slow-body`, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    expect(Buffer.from((await reader.read()).value ?? []).toString()).toBe('first ');
    controller.abort();
    await expect(reader.read()).rejects.toMatchObject({ name: 'AbortError' });
  });

  test('an already aborted signal rejects at once; a URL with credentials is refused', async () => {
    await expect(httpFetch(`${main.url}/json`, { signal: AbortSignal.abort() })).rejects.toMatchObject({
      name: 'AbortError',
    });
    await expect(httpFetch(main.url.replace('http://', 'http://u:p@'))).rejects.toThrow(TypeError);
  });
});
