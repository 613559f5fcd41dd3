/**
 * `fetch` over node:http/https, for the Action's one-shot process. Node's own fetch (undici) parses HTTP with a
 * WebAssembly module whose optimising compile runs in the background and holds the process's exit for ~40 ms,
 * a quarter of a scheduled run; node:http parses in C++. The subset implemented is what the Action's callers
 * use (Octokit, the probes, the providers), with fetch's behaviour:
 * - string/URL input; method, headers (Headers, record or pairs), body (string, bytes, URLSearchParams), signal;
 * - undici's default request headers (accept, accept-language, sec-fetch-mode, user-agent, accept-encoding) and
 *   decoding of gzip, deflate and br responses;
 * - redirects: follow (up to 20, 301/302 POST and 303 become GET, credentials dropped across origins), manual,
 *   error;
 * - network failures reject with `TypeError('fetch failed', { cause })`, aborts with the signal's reason;
 *   undici's connect (10 s), headers and body (300 s) timeouts, with its error codes.
 * The answer is a `LightResponse` (action/light-response.ts): what the callers read of a `Response`, without
 * loading undici as Node's `Response` and `Headers` would.
 */
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpRequest } from 'node:http';
import type { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import { coded, fetchFailed as failed, LightHeaders, LightResponse } from './light-response.js';

const MAX_REDIRECTS = 20;
const CONNECT_TIMEOUT_MS = 10_000;
/** undici's headersTimeout and bodyTimeout: the socket may stay silent this long. */
const IDLE_TIMEOUT_MS = 300_000;
const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const NULL_BODY = new Set([101, 204, 205, 304]);
/** Request headers that describe a body; dropped when a redirect drops the body. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];

type Init = RequestInit & { duplex?: 'half' };

let https: Promise<typeof import('node:https')> | undefined;
/** node:https (and TLS) loads on the first https URL only. */
const httpsModule = () => (https ??= import('node:https'));

function headerPairs(headers: RequestInit['headers']): Array<[string, string]> {
  if (!headers) return [];
  if (Array.isArray(headers)) return headers.map(([k, v]) => [k.toLowerCase(), String(v)]);
  const pairs: Array<[string, string]> = [];
  if (typeof (headers as Headers).forEach === 'function') {
    (headers as Headers).forEach((value, key) => pairs.push([key.toLowerCase(), value]));
    return pairs;
  }
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) pairs.push([k.toLowerCase(), String(v)]);
  return pairs;
}

function encodeBody(body: RequestInit['body']): { bytes?: Buffer; type?: string } {
  if (body === undefined || body === null) return {};
  if (typeof body === 'string') return { bytes: Buffer.from(body), type: 'text/plain;charset=UTF-8' };
  if (body instanceof URLSearchParams)
    return { bytes: Buffer.from(body.toString()), type: 'application/x-www-form-urlencoded;charset=UTF-8' };
  if (body instanceof ArrayBuffer) return { bytes: Buffer.from(body) };
  if (ArrayBuffer.isView(body)) return { bytes: Buffer.from(body.buffer, body.byteOffset, body.byteLength) };
  throw new TypeError('uptime-action fetch: only string, bytes or URLSearchParams bodies are supported.');
}

/** The body decoded per `content-encoding` (undici decodes gzip, x-gzip, deflate and br). */
function decoded(res: IncomingMessage): Readable {
  const codings = (res.headers['content-encoding'] ?? '')
    .toLowerCase()
    .split(',')
    .map((c) => c.trim())
    .filter((c) => c && c !== 'identity')
    .reverse();
  let stream: Readable = res;
  for (const coding of codings) {
    const decoder =
      coding === 'gzip' || coding === 'x-gzip'
        ? createGunzip()
        : coding === 'deflate'
          ? createInflate()
          : coding === 'br'
            ? createBrotliDecompress()
            : undefined;
    if (!decoder) return res; // unknown coding: the bytes as sent, as undici does
    const from = stream;
    from.on('error', (error) => decoder.destroy(error));
    stream = from.pipe(decoder);
  }
  return stream;
}

/** One request/response exchange, without redirects. */
async function exchange(
  url: URL,
  method: string,
  headers: Array<[string, string]>,
  bytes: Buffer | undefined,
  signal: AbortSignal | null | undefined,
): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? (await httpsModule()).request : httpRequest;
  return new Promise<IncomingMessage>((resolve, reject) => {
    const headerObject: Record<string, string> = {};
    for (const [k, v] of headers) headerObject[k] = k in headerObject ? `${headerObject[k]}, ${v}` : v;
    const options: RequestOptions = { method, headers: headerObject };
    const req: ClientRequest = send(url, options);
    let response: IncomingMessage | undefined;
    let connectTimer: ReturnType<typeof setTimeout> | undefined;
    const onAbort = () => {
      req.destroy();
      reject(signal?.reason);
    };
    const done = () => {
      clearTimeout(connectTimer);
      signal?.removeEventListener('abort', onAbort);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    req.once('socket', (socket) => {
      if (!socket.connecting) return;
      connectTimer = setTimeout(
        () => req.destroy(coded(`connect timeout after ${CONNECT_TIMEOUT_MS}ms`, 'UND_ERR_CONNECT_TIMEOUT')),
        CONNECT_TIMEOUT_MS,
      );
      socket.once('connect', () => clearTimeout(connectTimer));
    });
    // The socket's idle timeout (unref'd): no headers, or no body data, for this long.
    req.setTimeout(IDLE_TIMEOUT_MS, () => {
      if (response) response.destroy(coded(`no body data for ${IDLE_TIMEOUT_MS}ms`, 'UND_ERR_BODY_TIMEOUT'));
      else req.destroy(coded(`no headers for ${IDLE_TIMEOUT_MS}ms`, 'UND_ERR_HEADERS_TIMEOUT'));
    });
    req.once('response', (res) => {
      done();
      response = res;
      resolve(res);
    });
    req.on('error', (error) => {
      done();
      reject(signal?.aborted ? signal.reason : failed(error));
    });
    req.end(bytes);
  });
}

/** `fetch` over node:http/https; see the module comment for what it supports. */
export const httpFetch = async function httpFetch(
  input: string | URL | Request,
  init: Init = {},
): Promise<LightResponse> {
  if (typeof input !== 'string' && !(input instanceof URL))
    throw new TypeError('uptime-action fetch: pass the URL as a string or URL, not a Request.');
  const signal = init.signal;
  if (signal?.aborted) throw signal.reason;
  let url = new URL(input);
  if (url.username || url.password)
    throw new TypeError(`Request cannot be constructed from a URL that includes credentials: ${url.origin}`);
  let method = (init.method ?? 'GET').toUpperCase();
  const encoded = encodeBody(init.body);
  let bytes = encoded.bytes;
  let headers = headerPairs(init.headers);
  const has = (name: string) => headers.some(([k]) => k === name);
  if (encoded.type && !has('content-type')) headers.push(['content-type', encoded.type]);
  if (!has('accept')) headers.push(['accept', '*/*']);
  if (!has('accept-language')) headers.push(['accept-language', '*']);
  headers.push(['sec-fetch-mode', 'cors']);
  if (!has('user-agent')) headers.push(['user-agent', 'node']);
  const defaultEncoding = !has('accept-encoding');
  const redirect = init.redirect ?? 'follow';
  for (let redirects = 0; ; redirects++) {
    if (url.protocol !== 'http:' && url.protocol !== 'https:')
      throw failed(new Error(`${url.protocol} URLs are not supported; use http or https.`));
    const sent: Array<[string, string]> = defaultEncoding
      ? [...headers, ['accept-encoding', url.protocol === 'https:' ? 'br, gzip, deflate' : 'gzip, deflate']]
      : headers;
    const res = await exchange(url, method, sent, bytes, signal);
    const status = res.statusCode ?? 0;
    const location = res.headers.location;
    if (REDIRECTS.has(status) && location !== undefined && redirect !== 'manual') {
      res.resume();
      if (redirect === 'error') throw failed(new Error('unexpected redirect'));
      if (redirects >= MAX_REDIRECTS) throw failed(new Error('redirect count exceeded'));
      const next = new URL(location, url);
      if (
        (status === 303 && method !== 'GET' && method !== 'HEAD') ||
        ((status === 301 || status === 302) && method === 'POST')
      ) {
        method = 'GET';
        bytes = undefined;
        headers = headers.filter(([k]) => !BODY_HEADERS.includes(k));
      }
      if (next.origin !== url.origin)
        headers = headers.filter(
          ([k]) => !['authorization', 'cookie', 'proxy-authorization', 'host'].includes(k),
        );
      url = next;
      continue;
    }
    if (status < 200 || status > 599) {
      res.destroy();
      throw failed(new Error(`invalid HTTP status ${status}`));
    }
    const nullBody = NULL_BODY.has(status) || method === 'HEAD';
    if (nullBody) res.resume();
    const responseHeaders: Array<[string, string]> = [];
    for (let i = 0; i < res.rawHeaders.length; i += 2)
      responseHeaders.push([res.rawHeaders[i], res.rawHeaders[i + 1]]);
    return new LightResponse(
      nullBody ? null : decoded(res),
      signal,
      status,
      res.statusMessage ?? '',
      new LightHeaders(responseHeaders),
      url.href,
      redirects > 0,
    );
  }
  // The one cast: a LightResponse is the part of `Response` the Action's callers read (see light-response.ts),
  // and the callers take a `typeof fetch`.
} as unknown as typeof fetch;
