import { codeOf, field, ownField } from '../util/fields.js';
import { isDeepStrictEqual } from 'node:util';
import { formatDuration } from '../util/duration.js';
import type { LookupFunction } from '../util/net-address.js';
import { createSafeFetch, MAX_REDIRECTS, PrivateTargetError, type PrivateTargets } from '../util/net.js';
import { nextChunk } from '../util/read.js';
import type { ProbeResult, ProbeTarget } from './types.js';

/** Most of a body read for the body/JSON assertions; the rest is discarded. @default 1 MiB */
export const MAX_BODY_BYTES = 1024 * 1024;

const USER_AGENT = 'uptime-action (health check)';

/** Options of {@link probeService}. */
export interface ProbeOptions {
  /** The fetch to use. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Wall clock for `at` (epoch ms). @default Date.now */
  now?: () => number;
  /** Monotonic clock for `responseMs`. @default performance.now */
  elapsed?: () => number;
  /** Mark the result as the immediate confirm re-probe. */
  confirm?: boolean;
  /** Body bytes read at most. @default MAX_BODY_BYTES */
  maxBodyBytes?: number;
  /**
   * `deny` refuses loopback, private, link-local and metadata targets (after DNS, on every redirect hop): the
   * hosted bot's policy (`UPTIME_PRIVATE_TARGETS`). @default 'allow' (the Action and CLI probe the user's own config)
   */
  privateTargets?: PrivateTargets;
  /** DNS lookup for the private-target check, injectable in tests. @default dns.lookup */
  lookup?: LookupFunction;
}

type Outcome = Pick<ProbeResult, 'ok' | 'kind' | 'status' | 'error' | 'local'>;

class ProbeTimeout extends Error {}

/**
 * Probes one service once: `service.method` on `service.url` with its headers, following redirects, under a
 * hard timeout (`service.timeout` ms) that covers connecting, the headers and the body, so a server that
 * hangs or trickles fails at the timeout instead of blocking the sweep. Healthy = a status in
 * `service.expect.status` (inclusive ranges), the body containing `expect.body`, and every `expect.json` path
 * deep-equal to its value. Never throws: every failure is a result with `kind` and a readable `error`.
 */
export async function probeService(service: ProbeTarget, options: ProbeOptions = {}): Promise<ProbeResult> {
  // Redirects are followed by the safe fetch (checked per hop, secret headers dropped across origins).
  const doFetch = createSafeFetch({
    fetch: options.fetch,
    privateTargets: options.privateTargets,
    lookup: options.lookup,
  });
  const now = options.now ?? Date.now;
  const elapsed = options.elapsed ?? (() => performance.now());
  const at = now();
  const started = elapsed();
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  // How late the deadline fired (real time): a monitor whose event loop was blocked cannot tell a slow
  // service from its own stall, so such a timeout is the monitor's, not the service's.
  let lateMs = 0;
  const deadline = new Promise<never>((_, reject) => {
    const due = performance.now() + service.timeout;
    timer = setTimeout(() => {
      lateMs = performance.now() - due;
      reject(new ProbeTimeout());
      controller.abort(new ProbeTimeout());
    }, service.timeout);
  });
  let outcome: Outcome;
  try {
    const attempt = check(service, doFetch, controller.signal, options.maxBodyBytes ?? MAX_BODY_BYTES);
    // The race makes the timeout hard even for a fetch that ignores its signal.
    attempt.catch(() => undefined);
    outcome = await Promise.race([attempt, deadline]);
  } catch (error: unknown) {
    outcome = classifyError(error, controller.signal.aborted, service.timeout);
    if (outcome.kind === 'timeout' && lateMs > stallThresholdMs(service.timeout))
      outcome = {
        ok: false,
        kind: 'timeout',
        local: true,
        error: `the monitor was too busy to wait for the answer (its timer ran ${formatDuration(Math.round(lateMs))} late); lower probeConcurrency or give the monitor more CPU`,
      };
  } finally {
    clearTimeout(timer);
    if (!controller.signal.aborted) controller.abort();
  }
  const responseMs = Math.max(0, Math.round(elapsed() - started));
  const result: ProbeResult = { service: service.id, ...outcome, responseMs, at };
  if (options.confirm) result.confirm = true;
  return result;
}

async function check(
  service: ProbeTarget,
  doFetch: typeof fetch,
  signal: AbortSignal,
  maxBodyBytes: number,
): Promise<Outcome> {
  // A plain object, not `new Headers()`: building Headers loads part of undici (~10 ms of every cold start).
  const headers: Record<string, string> = { ...service.headers };
  if (!Object.keys(headers).some((k) => k.toLowerCase() === 'user-agent')) headers['user-agent'] = USER_AGENT;
  const response = await doFetch(service.url, {
    method: service.method,
    headers,
    redirect: 'follow',
    signal,
  });
  const status = response.status;
  if (!statusExpected(status, service.expect.status)) {
    await response.body?.cancel().catch(() => undefined);
    return { ok: false, kind: 'status', status, error: statusError(status, service.expect.status) };
  }
  const { body, json } = service.expect;
  const needsBody = body !== undefined || (json !== undefined && Object.keys(json).length > 0);
  const text = await readBody(response, maxBodyBytes);
  if (!needsBody) return { ok: true, kind: 'ok', status };
  if (body !== undefined && !text.includes(body)) {
    return { ok: false, kind: 'body', status, error: `body lacks ${JSON.stringify(body)}` };
  }
  const jsonError = json ? checkJson(text, json) : undefined;
  if (jsonError) return { ok: false, kind: 'json', status, error: jsonError };
  return { ok: true, kind: 'ok', status };
}

/** True when `status` falls in one of the inclusive ranges (no ranges = any status). */
export function statusExpected(status: number, ranges: Array<[number, number]>): boolean {
  if (ranges.length === 0) return true;
  return ranges.some(([lo, hi]) => status >= lo && status <= hi);
}

/** Reads at most `limit` bytes of the body as UTF-8 and cancels the rest. */
async function readBody(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (size < limit) {
    const value = await nextChunk(reader);
    if (!value) return decode(chunks);
    chunks.push(value.subarray(0, limit - size));
    size += Math.min(value.byteLength, limit - size);
  }
  await reader.cancel().catch(() => undefined);
  return decode(chunks);
}

function decode(chunks: Uint8Array[]): string {
  return Buffer.concat(chunks).toString('utf8');
}

/** Checks every `path → expected` pair against the JSON body; returns the first mismatch, in words. */
export function checkJson(text: string, expected: Record<string, unknown>): string | undefined {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    const first = Object.entries(expected)[0];
    return `body is not JSON, expected ${first[0]} = ${clip(JSON.stringify(first[1]))}`;
  }
  for (const [path, want] of Object.entries(expected)) {
    const found = jsonPath(document, path);
    // What the endpoint answered is never quoted (it may be an internal service's secret): only the
    // assertion and the expected value, which come from the config.
    if (!found.present) return `json ${path} is missing, expected ${clip(JSON.stringify(want))}`;
    if (!deepEqual(found.value, want)) return `json ${path}: expected ${clip(JSON.stringify(want))}`;
  }
  return undefined;
}

/**
 * Looks up a dotted path such as `checks.db` or `items.0.ok`; numeric segments index arrays. A key that
 * itself contains dots (`{"a.b": 1}`) is found too: the longest matching key wins at each level.
 */
export function jsonPath(value: unknown, path: string): { present: boolean; value?: unknown } {
  return walk(value, path === '' ? [] : path.split('.'));
}

function walk(value: unknown, segments: string[]): { present: boolean; value?: unknown } {
  if (segments.length === 0) return { present: true, value };
  if (value === null || typeof value !== 'object') return { present: false };
  for (let take = segments.length; take >= 1; take--) {
    const key = segments.slice(0, take).join('.');
    if (Array.isArray(value)) {
      if (take === 1 && /^\d+$/.test(key) && Number(key) < value.length) {
        return walk(value[Number(key)], segments.slice(1));
      }
    } else if (Object.hasOwn(value, key)) {
      const found = walk(ownField(value, key), segments.slice(take));
      if (found.present) return found;
    }
  }
  return { present: false };
}

/** Structural equality of JSON values (objects by own keys, arrays by order): Node's `util.isDeepStrictEqual`. */
export function deepEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}

function clip(text: string | undefined, max = 80): string {
  if (text === undefined) return 'undefined';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const REFUSED = new Set(['ECONNREFUSED']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN']);
const RESET = new Set(['ECONNRESET', 'UND_ERR_SOCKET', 'EPIPE']);
const CONNECT_TIMEOUT = new Set([
  'ETIMEDOUT',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
/**
 * How late a probe's deadline may fire before its timeout is blamed on the monitor (a blocked or starved event
 * loop) rather than on the service: a second, or a fifth of the timeout when that is longer.
 */
export function stallThresholdMs(timeoutMs: number): number {
  return Math.max(1000, timeoutMs / 5);
}

/** The monitor's own resources ran out: not the service's failure. */
const LOCAL = new Set(['EMFILE', 'ENFILE', 'ENOBUFS']);
const TLS = /^(ERR_TLS|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_VERIFY)/;

/** Turns what fetch threw into a result kind and a message that names no URL (it may carry a token). */
function classifyError(error: unknown, aborted: boolean, timeoutMs: number): Outcome {
  const timedOut = {
    ok: false,
    kind: 'timeout',
    error: `timed out after ${formatDuration(timeoutMs)}`,
  } as const;
  if (error instanceof ProbeTimeout || aborted) return timedOut;
  const refusedTarget = findCause(error, (e): e is PrivateTargetError => e instanceof PrivateTargetError);
  if (refusedTarget) return { ok: false, kind: 'network', error: refusedTarget.message };
  const codes = errorCodes(error);
  if (codes.includes('UPTIME_TOO_MANY_REDIRECTS'))
    return { ok: false, kind: 'network', error: `more than ${MAX_REDIRECTS} redirects` };
  if (codes.includes('UPTIME_BAD_REDIRECT'))
    return { ok: false, kind: 'network', error: 'redirected to a URL that is not http(s)' };
  const has = (set: Set<string>) => codes.some((c) => set.has(c));
  const local = codes.find((c) => LOCAL.has(c));
  if (local)
    return {
      ok: false,
      kind: 'network',
      local: true,
      error: `the monitor could not open a connection (${local}: out of file descriptors or sockets); lower probeConcurrency or raise the limit (ulimit -n)`,
    };
  if (has(REFUSED)) return { ok: false, kind: 'refused', error: 'connection refused' };
  if (has(CONNECT_TIMEOUT)) return timedOut;
  if (has(DNS)) return { ok: false, kind: 'network', error: 'host not found (DNS lookup failed)' };
  if (has(RESET)) return { ok: false, kind: 'network', error: 'connection closed before a full response' };
  const tls = codes.find((c) => TLS.test(c));
  if (tls) return { ok: false, kind: 'network', error: `TLS error (${tls})` };
  const code = codes.find((c) => /^[A-Z_]+$/.test(c));
  return { ok: false, kind: 'network', error: code ? `network error (${code})` : 'network error' };
}

/** The first error along the cause chain that matches. */
function findCause<T>(error: unknown, match: (e: unknown) => e is T, depth = 0): T | undefined {
  if (depth > 5 || error === null || typeof error !== 'object') return undefined;
  if (match(error)) return error;
  return findCause(field(error, 'cause'), match, depth + 1);
}

/** The `code`s along an error's cause chain (and inside an AggregateError). */
function errorCodes(error: unknown, depth = 0): string[] {
  if (depth > 5 || error === null || typeof error !== 'object') return [];
  const codes: string[] = [];
  const code = codeOf(error);
  const errors = field(error, 'errors');
  if (code !== undefined) codes.push(code);
  if (Array.isArray(errors)) for (const e of errors) codes.push(...errorCodes(e, depth + 1));
  codes.push(...errorCodes(field(error, 'cause'), depth + 1));
  return codes;
}

/**
 * `HTTP 503` for the default expectation (200-399, obvious); with an `expect.status` of its own, what was
 * expected too: `HTTP 200, expected 201`.
 */
export function statusError(status: number, expected: Array<[number, number]>): string {
  const isDefault = expected.length === 1 && expected[0][0] === 200 && expected[0][1] === 399;
  if (isDefault || expected.length === 0) return `HTTP ${status}`;
  const ranges = expected.map(([lo, hi]) =>
    lo === hi ? `${lo}` : lo % 100 === 0 && hi === lo + 99 ? `${lo / 100}xx` : `${lo}-${hi}`,
  );
  return `HTTP ${status}, expected ${ranges.join(' or ')}`;
}
