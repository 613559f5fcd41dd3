/**
 * Outbound requests that a hosted config can't turn against the host (probes, the webhook provider,
 * notifications): redirects followed here, at most 5, with the target checked on every hop; headers other
 * than a few harmless ones (so Authorization, Cookie and every header the config set, e.g. X-Api-Key) dropped
 * when a redirect leaves the origin; under `privateTargets: 'deny'` private addresses refused after DNS
 * (and again at connect time through undici's `connect.lookup`: under `deny` every hop, the caller's fetch
 * included, connects through that guarded dispatcher).
 * With HTTPS_PROXY/HTTP_PROXY set, undici's EnvHttpProxyAgent is used (it honours NO_PROXY).
 */
import { field } from './fields.js';
import { assertPublicHost, guardedLookup, type LookupFunction, type PrivateTargets } from './net-address.js';

export { isPrivateAddress, PrivateTargetError, type PrivateTargets } from './net-address.js';

/** Redirects followed at most. */
export const MAX_REDIRECTS = 5;

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Request headers kept across origins; every other one may carry a secret. */
const CROSS_ORIGIN_SAFE = new Set(['user-agent', 'accept', 'accept-language', 'accept-encoding']);

/** Options of {@link createSafeFetch}. */
export interface SafeFetchOptions {
  /** The fetch that does each single hop (the Action's light fetch, a test's). @default undici's, see module doc */
  fetch?: typeof fetch;
  /** @default 'allow' (the Action and CLI); the hosted bot passes its policy's value */
  privateTargets?: PrivateTargets;
  /** @default MAX_REDIRECTS */
  maxRedirects?: number;
  /** DNS lookup, injectable in tests. @default dns.lookup */
  lookup?: LookupFunction;
  /** Where HTTPS_PROXY / HTTP_PROXY / NO_PROXY are read. @default process.env */
  env?: NodeJS.ProcessEnv;
}

const coded = (message: string, code: string) => Object.assign(new Error(message), { code });
const failed = (cause: unknown) => new TypeError('fetch failed', { cause });

/** A `fetch` with the guarantees of the module comment. `init.redirect: 'manual'` makes it one checked hop. */
export function createSafeFetch(options: SafeFetchOptions = {}): typeof fetch {
  const privateTargets = options.privateTargets ?? 'allow';
  const maxRedirects = options.maxRedirects ?? MAX_REDIRECTS;
  const env = options.env ?? process.env;
  const proxied = Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
  let hop: Promise<Hop> | undefined;
  const getHop = () => (hop ??= chooseHop(options, privateTargets, proxied));

  return async (input: string | URL | Request, init: RequestInit = {}) => {
    const doFetch = await getHop();
    let url = new URL(typeof input === 'string' || input instanceof URL ? input : input.url);
    let method = (init.method ?? 'GET').toUpperCase();
    let body = init.body;
    let headers = toPlainHeaders(init.headers);
    for (let redirects = 0; ; redirects++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw failed(coded(`refused to follow a redirect to a ${url.protocol} URL`, 'UPTIME_BAD_REDIRECT'));
      }
      if (privateTargets === 'deny') {
        try {
          await assertPublicHost(url.hostname, options.lookup);
        } catch (error) {
          throw failed(error);
        }
      }
      const response = await doFetch(url, { ...init, method, headers, body, redirect: 'manual' });
      const location = response.headers.get('location');
      if (!REDIRECT_STATUSES.has(response.status) || location === null || init.redirect === 'manual') {
        return response;
      }
      await response.body?.cancel().catch(() => undefined);
      if (init.redirect === 'error') throw failed(coded('unexpected redirect', 'UPTIME_REDIRECT'));
      if (redirects >= maxRedirects) {
        throw failed(coded(`more than ${maxRedirects} redirects`, 'UPTIME_TOO_MANY_REDIRECTS'));
      }
      const next = new URL(location, url);
      if (
        response.status === 303 ||
        ((response.status === 301 || response.status === 302) && method === 'POST')
      ) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        headers = dropBodyHeaders(headers);
      }
      if (next.origin !== url.origin) headers = crossOriginHeaders(headers);
      url = next;
    }
  };
}

/** One request of a redirect chain (each hop is a URL and the init the safe fetch built for it). */
type Hop = (url: URL, init: RequestInit) => Promise<Response>;

/** Shared dispatchers of {@link chooseHop}: by the proxy variables' values, or by DNS lookup (tests inject their own). */
const proxyAgents = new Map<string, import('undici').Dispatcher>();
const guardedAgents = new WeakMap<object, import('undici').Dispatcher>();
const DEFAULT_LOOKUP = {};

async function chooseHop(
  options: SafeFetchOptions,
  privateTargets: PrivateTargets,
  proxied: boolean,
): Promise<Hop> {
  // The caller's fetch does each hop, except that under `deny` it must connect through the guarded
  // dispatcher below: a name checked public before the request can resolve to 127.0.0.1 when the
  // connection is made (DNS rebinding), and only the connect-time lookup sees that address.
  if (privateTargets === 'allow' && options.fetch) return options.fetch;
  if (privateTargets === 'allow' && !proxied) return globalThis.fetch;
  // Loaded only here, so the Action (allow, no proxy) never loads the undici package.
  const undici = await import('undici');
  // One dispatcher per proxy setting and DNS lookup, shared by every safe fetch: a sweep of thousands of
  // probes reuses connections, and idle sockets close on undici's keep-alive timeout instead of piling up in
  // an Agent per probe (each one a file descriptor until then).
  let dispatcher: import('undici').Dispatcher | undefined;
  if (proxied) {
    // EnvHttpProxyAgent reads the proxy variables of process.env when it is made: one per their values.
    const e = process.env;
    const key = [e.HTTP_PROXY, e.http_proxy, e.HTTPS_PROXY, e.https_proxy, e.NO_PROXY, e.no_proxy].join('|');
    dispatcher = proxyAgents.get(key);
    // The hostname was checked before sending; the proxy itself may be private.
    if (!dispatcher) proxyAgents.set(key, (dispatcher = new undici.EnvHttpProxyAgent()));
  } else {
    const key = options.lookup ?? DEFAULT_LOOKUP;
    dispatcher = guardedAgents.get(key);
    if (!dispatcher)
      guardedAgents.set(
        key,
        (dispatcher = new undici.Agent({ connect: { lookup: guardedLookup(options.lookup) } })),
      );
  }
  // `dispatcher` is undici's option, honoured by Node's own fetch too (the same undici inside).
  const base = options.fetch;
  if (base) return (url, init) => base(url, { ...init, dispatcher });
  return (url, init) => undici.fetch(url, { ...init, dispatcher });
}

/** A Headers object, by shape: undici's own class or another realm's is not `instanceof` the global one. */
function isHeaders(headers: object): headers is Headers {
  return typeof field(headers, 'get') === 'function' && typeof field(headers, 'forEach') === 'function';
}

function toPlainHeaders(headers: RequestInit['headers']): Record<string, string> {
  if (!headers) return {};
  // Pairs are `string[][]` in the fetch types, so Object.fromEntries would answer `any`: each pair is typed here.
  if (Array.isArray(headers))
    return Object.fromEntries(headers.map(([name, value]): [string, string] => [name, value]));
  if (isHeaders(headers)) {
    const out: Record<string, string> = {};
    headers.forEach((value, key) => (out[key] = value));
    return out;
  }
  // A header given several values is sent once, its values joined by commas (RFC 9110, 5.3).
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : value.join(', '),
    ]),
  );
}

function crossOriginHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => CROSS_ORIGIN_SAFE.has(k.toLowerCase())));
}

function dropBodyHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).filter(([k]) => !/^content-(type|length|encoding|language|location)$/i.test(k)),
  );
}
