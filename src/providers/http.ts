/**
 * The one HTTP/JSON request helper every provider uses: a per-request timeout, the shared retry policy
 * (5xx, 429 and timeouts retried with jittered backoff that honours Retry-After and rate-limit resets;
 * auth and validation errors never), and failures as ProviderError messages that name the service, the
 * provider, the operation, the cause and the fix — never a token.
 */
import { field } from '../util/fields.js';
import * as z from 'zod/mini';
import { RetryableError, isRetryableStatus, retryAfterFromHeaders, withRetry } from '../util/retry.js';
import { nextChunk } from '../util/read.js';
import { makeRedactor, secretValues } from '../util/secrets.js';
import { ProviderError, type ProviderContext, type ProviderTiming } from './types.js';
import { CallBudgets, limitFor, sharedCallBudgets } from './call-budget.js';

/** Display names used in messages, filled from the descriptors by the registry (`registerProvider`). */
export const PROVIDER_NAMES: Record<string, string> = {};

/** `Railway` for `railway`; the type itself for an unregistered one. */
export function displayName(type: string): string {
  return Object.hasOwn(PROVIDER_NAMES, type) ? PROVIDER_NAMES[type] : type;
}

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
  /** The config's `recovery.provider`, e.g. `railway`. */
  provider: string;
  /** `restart`, `redeploy`, `status`, `doctor`, or a finer step such as `restart (find deployment)`. */
  operation: string;
}

/** Why a request failed, for building the fix. */
export interface HttpFailure {
  status?: number;
  /** Short, redacted: `HTTP 401 Unauthorized: invalid token`, `no answer within 15s`. */
  cause: string;
  timeout?: boolean;
  /** The answer was 2xx but not the expected shape (or too large). */
  unexpected?: boolean;
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
  /** The answer's JSON (undefined when empty or not JSON), parsed by the caller's schema. */
  body: T;
  /** The raw text (at most MAX_ANSWER_BYTES); never echo it unredacted. */
  text: string;
}

/** Provider and webhook answers are read up to this many bytes, then the read is aborted (docs/security.md). */
export const MAX_ANSWER_BYTES = 1024 * 1024;

/** Any answer: for calls whose body is not used (e.g. Render's empty 202 to a restart). */
export const anyAnswer = z.unknown();

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
    `Service "${site.service.name}": ${displayName(site.provider)} ${site.operation} failed (${cause}). ${fix}`,
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

/**
 * Sends one JSON request with timeout and retries and parses the 2xx answer with `schema`; resolves
 * with the parsed answer or throws ProviderError (also for an answer the schema rejects, or one larger
 * than MAX_ANSWER_BYTES).
 */
export async function requestJson<S extends z.ZodMiniType>(
  schema: S,
  ctx: ProviderContext,
  req: HttpRequest,
): Promise<HttpResponse<z.output<S>>> {
  const timing = timingOf(ctx);
  const timeoutMs = req.timeoutMs ?? timing.requestTimeoutMs;
  const secrets = secretValues(ctx.env, req.secrets);
  const redact = makeRedactor(secrets);
  let attempts = 0;
  const gate = callGate(ctx, req);
  try {
    return await withRetry(
      async () => {
        await gate.before();
        attempts++;
        return await attempt(schema, ctx, req, timeoutMs, redact, gate.after);
      },
      {
        retries: timing.retries,
        baseDelayMs: timing.retryBaseDelayMs,
        random: timing.random,
        sleep: (ms) => ctx.clock.sleep(ms, ctx.signal),
        onRetry: ({ attempt: n, delayMs, error }) => {
          const cause = error instanceof Error ? error.message : String(error);
          const message = redact(
            `Service "${req.service.name}": ${displayName(req.provider)} ${req.operation}: ${cause}; retry ${n}/${timing.retries} in ${(delayMs / 1000).toFixed(1)}s`,
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

async function attempt<S extends z.ZodMiniType>(
  schema: S,
  ctx: ProviderContext,
  req: HttpRequest,
  timeoutMs: number,
  redact: (text: string) => string,
  booked: (answer?: Response) => void = () => undefined,
): Promise<HttpResponse<z.output<S>>> {
  const timeout = (ctx.timeoutSignal ?? AbortSignal.timeout)(timeoutMs);
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
    booked(response);
    text = await readCapped(response, MAX_ANSWER_BYTES);
  } catch (error: unknown) {
    if (error instanceof FinalHttpError) throw error;
    booked();
    if (ctx.signal?.aborted) throw new FinalHttpError({ cause: 'cancelled' });
    if (timeout.aborted) {
      throw new RetryableHttpError({ cause: `no answer within ${formatMs(timeoutMs)}`, timeout: true });
    }
    const reason = deepestCause(error);
    throw new RetryableHttpError({ cause: redact(`cannot reach ${hostOf(req.url)}: ${reason}`) });
  }
  const json = parseJson(text);
  if (response.ok || req.accept?.includes(response.status)) {
    req.inspect?.(json, response);
    const parsed = z.safeParse(schema, json);
    if (!parsed.success) {
      throw new FinalHttpError({
        cause: `unexpected answer (HTTP ${response.status}): ${describeIssues(parsed.error.issues)}`,
        unexpected: true,
      });
    }
    return { status: response.status, headers: response.headers, body: parsed.data, text };
  }
  const body = json;
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

/** Waits longer than this for a platform's Retry-After are not made inside a sweep: the call fails and says why. */
export const MAX_BUDGET_WAIT_MS = 60_000;

/**
 * The call budget around one request (src/providers/call-budget.ts): before each attempt, wait out a
 * platform's Retry-After (recovery, up to MAX_BUDGET_WAIT_MS) or give up with the reason (forensics and
 * diagnostics yield at once); after each answer, book it and its rate-limit headers.
 */
function callGate(ctx: ProviderContext, req: HttpRequest) {
  const budgets: CallBudgets = ctx.callBudgets ?? sharedCallBudgets(ctx.clock);
  const token = req.tokenEnv ? ctx.env[req.tokenEnv] : undefined;
  // Per endpoint and token: a platform counts per token; a proxy or another endpoint has its own limits.
  const key = CallBudgets.keyOf(`${req.provider}@${hostOf(req.url)}`, token);
  const purpose = ctx.callPurpose ?? 'recovery';
  const limit = limitFor(req.provider, ctx.apiBudget);
  let booked = false;
  return {
    before: async () => {
      booked = false;
      for (;;) {
        const now = ctx.clock.now();
        const permit = budgets.permit(key, purpose, now, limit, displayName(req.provider));
        if (permit.ok) return;
        if (
          purpose === 'recovery' &&
          permit.until !== undefined &&
          permit.until - now <= MAX_BUDGET_WAIT_MS
        ) {
          await ctx.clock.sleep(permit.until - now, ctx.signal);
          continue;
        }
        throw providerError(
          req,
          `not called: ${permit.reason}`,
          purpose === 'recovery'
            ? "Wait for the platform's limit to reset, or raise apiBudget for this platform if your plan allows more."
            : 'Skipped so recovery keeps its share of the API budget; it is fetched again when there is room.',
          { status: 429 },
        );
      }
    },
    after: (answer?: Response) => {
      if (booked) return;
      booked = true;
      const now = ctx.clock.now();
      const asked = answer ? retryAfterMs(answer.headers, now) : undefined;
      budgets.record(
        key,
        now,
        answer && { status: answer.status, headers: answer.headers, retryAfterMs: asked },
      );
    },
  };
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
  const name = displayName(req.provider);
  const token = req.tokenEnv ?? 'the token';
  if (f.unexpected) {
    return `Check ${req.urlEnv ?? 'the URL'} points at the ${name} API; if it does, its answers changed: report this.`;
  }
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

/** Reads the body as text, cancelling the stream once it passes `limit` bytes (so memory stays bounded). */
export async function readCapped(response: Response, limit: number): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const value = await nextChunk(reader);
    if (!value) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => undefined);
      throw new FinalHttpError({
        cause: `the answer is larger than ${Math.round(limit / 1024)} KiB; the read was stopped`,
        unexpected: true,
      });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** `data.service.id: expected string, got undefined` for the first two issues. */
export function describeIssues(issues: readonly z.core.$ZodIssue[]): string {
  return issues
    .slice(0, 2)
    .map((issue) => {
      const path = issue.path.map(String).join('.');
      return `${path || 'answer'}: ${issue.message}`;
    })
    .join('; ');
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

const errorBody = z.looseObject({
  message: z.optional(z.unknown()),
  error: z.optional(z.unknown()),
  errors: z.optional(z.array(z.looseObject({ message: z.optional(z.unknown()) }))),
  id: z.optional(z.unknown()),
});

/** A short reason from an error body: `message`, `errors[0].message`, `id`, or the start of the text. */
function excerpt(body: unknown, text: string): string {
  const parsed = z.safeParse(errorBody, body);
  const b = parsed.success ? parsed.data : undefined;
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

/**
 * The innermost message of an error's cause chain (fetch wraps `connect ECONNREFUSED …` in "fetch failed").
 * Duck-typed: errors from Node's own fetch may come from another realm (not `instanceof Error` here).
 */
function deepestCause(error: unknown): string {
  const isErrorLike = (e: unknown): e is { message: string; cause?: unknown } =>
    typeof field(e, 'message') === 'string';
  let current = error;
  for (let depth = 0; depth < 5 && isErrorLike(current) && isErrorLike(current.cause); depth++) {
    current = current.cause;
  }
  return isErrorLike(current) ? current.message : String(current);
}
