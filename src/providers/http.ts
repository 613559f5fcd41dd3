/**
 * The one HTTP/JSON request helper every provider uses: a per-request timeout, the shared retry policy
 * (5xx, 429 and timeouts retried with jittered backoff that honours Retry-After and rate-limit resets;
 * auth and validation errors never), and failures as ProviderError messages that name the service, the
 * provider, the operation, the cause and the fix — never a token.
 */
import type { ProviderType } from '../config/schema.js';
import { RetryableError, isRetryableStatus, retryAfterFromHeaders, withRetry } from '../util/retry.js';
import { makeRedactor, secretValues } from '../util/secrets.js';
import { ProviderError, type ProviderContext, type ProviderTiming } from './types.js';

/** Display names used in messages. */
export const PROVIDER_NAMES: Record<ProviderType, string> = {
  railway: 'Railway',
  render: 'Render',
  fly: 'Fly.io',
  heroku: 'Heroku',
  webhook: 'Webhook',
  command: 'Command',
};

/** Defaults of ProviderTiming. */
export const DEFAULT_TIMING: Required<Omit<ProviderTiming, 'random'>> = {
  requestTimeoutMs: 15_000,
  retries: 3,
  retryBaseDelayMs: 1000,
  pollIntervalMs: 5000,
  deadlineMs: 600_000,
};

/** Who is calling what: the subject of every message. */
export interface CallSite {
  /** The service key (`coqui`) and display name (`Coqui Voice Service`). */
  service: { id: string; name: string };
  provider: ProviderType;
  /** `restart`, `redeploy`, `status`, `doctor`, or a finer step such as `restart (find deployment)`. */
  operation: string;
}

/** Why a request failed, for building the fix. */
export interface HttpFailure {
  status?: number;
  /** Short, redacted: `HTTP 401 Unauthorized: invalid token`, `no answer within 15s`. */
  cause: string;
  timeout?: boolean;
  /** Attempts made, including the first. */
  attempts: number;
}

export interface HttpRequest extends CallSite {
  url: string;
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  headers?: Record<string, string>;
  /** Sent as JSON. */
  body?: unknown;
  /** Statuses that count as an answer besides 2xx (e.g. Fly's 408 from `wait`). */
  accept?: number[];
  /** Environment variable holding the token, named in auth fixes. */
  tokenEnv?: string;
  /** Environment variable overriding the endpoint, named in network fixes. */
  urlEnv?: string;
  /** Provider-specific fix for a failure; undefined falls back to the generic one. */
  fix?: (failure: HttpFailure) => string | undefined;
  /** Looks at a 2xx answer inside the retry loop; throw a RetryableError to retry, a ProviderError to stop. */
  inspect?: (body: unknown, response: Response) => void;
  /** Values to scrub from messages besides the known secret variables (e.g. the token in use). */
  secrets?: string[];
  /** Overrides ctx.timing.requestTimeoutMs for this request (ms). */
  timeoutMs?: number;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined when the answer was empty or not JSON. */
  body: T;
  text: string;
}

/** The ProviderContext timing merged over provider defaults. */
export function timingOf(
  ctx: ProviderContext,
  defaults: ProviderTiming = {},
): Required<Omit<ProviderTiming, 'random'>> & {
  random?: () => number;
} {
  return { ...DEFAULT_TIMING, ...defaults, ...ctx.timing };
}

/** Builds the one message shape: `Service "X": Railway restart failed (cause). fix` — scrubbed of secrets. */
export function providerError(
  site: CallSite,
  cause: string,
  fix: string,
  extra: { status?: number; auth?: boolean; secrets?: string[]; env?: NodeJS.ProcessEnv } = {},
): ProviderError {
  const redact = makeRedactor(secretValues(extra.env ?? {}, extra.secrets ?? []));
  const message = redact(
    `Service "${site.service.name}": ${PROVIDER_NAMES[site.provider]} ${site.operation} failed (${cause}). ${fix}`,
  );
  return new ProviderError(message, {
    service: site.service.id,
    provider: site.provider,
    operation: site.operation,
    status: extra.status,
    fix: redact(fix),
    auth: extra.auth,
  });
}

class RetryableHttpError extends RetryableError {
  constructor(
    readonly failure: Omit<HttpFailure, 'attempts'>,
    retryAfterMs?: number,
  ) {
    super(failure.cause, failure.status, retryAfterMs);
  }
}

class FinalHttpError extends Error {
  constructor(readonly failure: Omit<HttpFailure, 'attempts'>) {
    super(failure.cause);
  }
}

/** Sends one JSON request with timeout and retries; resolves with the answer or throws ProviderError. */
export async function requestJson<T = unknown>(
  ctx: ProviderContext,
  req: HttpRequest,
): Promise<HttpResponse<T>> {
  const timing = timingOf(ctx);
  const timeoutMs = req.timeoutMs ?? timing.requestTimeoutMs;
  const secrets = secretValues(ctx.env, req.secrets);
  const redact = makeRedactor(secrets);
  let attempts = 0;
  try {
    return await withRetry(
      async () => {
        attempts++;
        return await attempt<T>(ctx, req, timeoutMs, redact);
      },
      {
        retries: timing.retries,
        baseDelayMs: timing.retryBaseDelayMs,
        random: timing.random,
        sleep: (ms) => ctx.clock.sleep(ms, ctx.signal),
        onRetry: ({ attempt: n, delayMs, error }) => {
          const cause = error instanceof Error ? error.message : String(error);
          const message = redact(
            `Service "${req.service.name}": ${PROVIDER_NAMES[req.provider]} ${req.operation}: ${cause}; retry ${n}/${timing.retries} in ${(delayMs / 1000).toFixed(1)}s`,
          );
          ctx.logger.warn(message);
          ctx.onRetry?.(message);
        },
      },
    );
  } catch (error: unknown) {
    if (error instanceof ProviderError) throw error;
    if (error instanceof RetryableHttpError || error instanceof FinalHttpError) {
      const failure = { ...error.failure, attempts };
      const fix = req.fix?.(failure) ?? defaultFix(req, failure, timing.retries);
      throw providerError(req, failure.cause, fix, {
        status: failure.status,
        auth: failure.status === 401 || failure.status === 403,
        secrets,
      });
    }
    throw error;
  }
}

async function attempt<T>(
  ctx: ProviderContext,
  req: HttpRequest,
  timeoutMs: number,
  redact: (text: string) => string,
): Promise<HttpResponse<T>> {
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = ctx.signal ? AbortSignal.any([timeout, ctx.signal]) : timeout;
  const headers: Record<string, string> = { accept: 'application/json', ...req.headers };
  if (req.body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  let text: string;
  try {
    response = await ctx.fetch(req.url, {
      method: req.method ?? 'GET',
      headers,
      body: req.body === undefined ? undefined : JSON.stringify(req.body),
      signal,
    });
    text = await response.text();
  } catch (error: unknown) {
    if (ctx.signal?.aborted) throw new FinalHttpError({ cause: 'cancelled' });
    if (timeout.aborted) {
      throw new RetryableHttpError({ cause: `no answer within ${formatMs(timeoutMs)}`, timeout: true });
    }
    const reason =
      error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error);
    throw new RetryableHttpError({ cause: redact(`cannot reach ${hostOf(req.url)}: ${reason}`) });
  }
  const body = parseJson(text) as T;
  if (response.ok || req.accept?.includes(response.status)) {
    req.inspect?.(body, response);
    return { status: response.status, headers: response.headers, body, text };
  }
  const cause = redact(
    `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ''}${excerpt(body, text)}`,
  );
  if (isRetryableStatus(response.status)) {
    throw new RetryableHttpError(
      { cause, status: response.status },
      retryAfterMs(response.headers, ctx.clock.now()),
    );
  }
  throw new FinalHttpError({ cause, status: response.status });
}

/** Retry-After / X-RateLimit-Reset, else the IETF `RateLimit-Reset` (seconds from now, Render). */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const known = retryAfterFromHeaders(headers, now);
  if (known !== undefined) return known;
  const reset = headers.get('ratelimit-reset');
  const seconds = reset === null ? NaN : Number(reset);
  return Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : undefined;
}

function defaultFix(req: HttpRequest, f: HttpFailure, retries: number): string {
  const name = PROVIDER_NAMES[req.provider];
  const token = req.tokenEnv ?? 'the token';
  if (f.timeout) {
    return `${name} did not answer in ${f.attempts} attempt(s); check ${req.urlEnv ? `${req.urlEnv} and ` : ''}the platform's status page, then try again.`;
  }
  switch (f.status) {
    case undefined:
      return `Check the network and ${req.urlEnv ? `${req.urlEnv} (the endpoint)` : 'the URL'}.`;
    case 401:
      return `${token} was rejected: it is missing, expired or revoked. Create a new token and set ${token}.`;
    case 403:
      return `${token} is valid but not allowed to ${req.operation} this service; use a token with access to it.`;
    case 404:
      return `The service was not found; check its ID in recovery and that ${token} can see it.`;
    case 429:
      return `Rate limited ${retries + 1} times in a row; wait a few minutes or check less often.`;
    default:
      return f.status >= 500
        ? `${name} kept failing after ${f.attempts} attempt(s); check the platform's status page and try again later.`
        : `${name} refused the request; check the recovery settings of this service.`;
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch (error: unknown) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
}

/** A short reason from an error body: `message`, `errors[0].message`, `id`, or the start of the text. */
function excerpt(body: unknown, text: string): string {
  const b = body as
    { message?: unknown; error?: unknown; errors?: Array<{ message?: unknown }>; id?: unknown } | undefined;
  const picked =
    b?.message ?? b?.errors?.[0]?.message ?? b?.error ?? b?.id ?? (body === undefined ? text : undefined);
  const line = typeof picked === 'string' ? picked.replace(/\s+/g, ' ').trim().slice(0, 200) : '';
  return line ? `: ${line}` : '';
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch (error: unknown) {
    if (error instanceof TypeError) return 'the endpoint';
    throw error;
  }
}

/** `1500` → `1.5s`, `120000` → `120s`. */
export function formatMs(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${Math.round(ms / 100) / 10}s`;
}
