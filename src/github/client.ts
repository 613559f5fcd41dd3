import { field } from '../util/fields.js';

/**
 * The slice of an Octokit the core uses: `request` with a route string. An Octokit from @octokit/core (the
 * Action, the CLI) and Probot's `context.octokit` both fit, whatever their @octokit/types versions.
 */
export interface GitHubClient {
  request(route: string, parameters?: Record<string, unknown>): Promise<GitHubResponse>;
}

export interface GitHubResponse {
  status: number;
  /** The payload: outside data, parsed with a schema before use (src/github/request.ts `requestData`). */
  data: unknown;
  headers: Record<string, string | number | undefined>;
}

/** A repository, as in `context.repo`. */
export interface RepoRef {
  owner: string;
  repo: string;
}

/** The HTTP status of a failed Octokit request, if it was one. */
export function errorStatus(error: unknown): number | undefined {
  if (error && typeof error === 'object' && 'status' in error && typeof error.status === 'number')
    return error.status;
  return undefined;
}

/** The first `errors[].code` of a GitHub validation error (422), e.g. `already_exists`. */
export function errorCode(error: unknown): string | undefined {
  const errors = field(field(field(error, 'response'), 'data'), 'errors');
  const code = Array.isArray(errors) ? field(errors[0], 'code') : undefined;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A request that never got an answer (refused, reset, DNS, TLS, timeout): Octokit reports it as status 500
 * without a response. Returns `could not reach GitHub at <origin> (ECONNREFUSED)`, or undefined for an answer.
 */
export function networkFailure(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const request = field(error, 'request');
  // Octokit's shape only: status 500 (or a request) and no response.
  if (field(error, 'response') !== undefined || (field(error, 'status') !== 500 && request === undefined))
    return undefined;
  let code: string | undefined;
  const messages: string[] = [];
  for (let c: unknown = error, depth = 0; c && typeof c === 'object' && depth < 6; depth++) {
    const [itemCode, message, cause, errors] = ['code', 'message', 'cause', 'errors'].map((k) => field(c, k));
    if (!code && typeof itemCode === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(itemCode)) code = itemCode;
    if (typeof message === 'string') messages.push(message);
    c = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  code ??= messages.join(' ').match(/\b(E[A-Z]{3,}|UND_ERR_[A-Z_]+)\b/)?.[1];
  if (!code && !messages.some((m) => /fetch failed|socket|network|timed? ?out/i.test(m))) return undefined;
  let where = 'its API';
  try {
    const url = field(request, 'url');
    if (typeof url === 'string') where = new URL(url).origin;
  } catch {
    // keep "its API"
  }
  return `could not reach GitHub at ${where} (${code ?? messages[0]?.split('\n')[0] ?? 'network error'})`;
}

/** One line for a failed GitHub request: status and GitHub's message, never headers (they hold the token). */
export function describeError(error: unknown): string {
  const network = networkFailure(error);
  if (network) return network;
  const status = errorStatus(error);
  const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
  return status ? `HTTP ${status}: ${message}` : message;
}

/**
 * A rate limit in a GitHub answer (a 403 or 429 with `retry-after`, `x-ratelimit-remaining: 0`, or GitHub's
 * "secondary rate limit" message): which one, and the seconds GitHub asks to wait when it says.
 * See https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api
 */
export function rateLimitOf(
  error: unknown,
): { kind: 'primary' | 'secondary'; retryAfterS?: number } | undefined {
  const status = errorStatus(error);
  if (status !== 403 && status !== 429) return undefined;
  const response = field(error, 'response');
  const headers = field(response, 'headers');
  const text = `${error instanceof Error ? error.message : ''} ${JSON.stringify(field(response, 'data') ?? '')}`;
  const retryAfter = Number(field(headers, 'retry-after'));
  const retryAfterS = Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined;
  if (/secondary rate limit|abuse/i.test(text) || retryAfterS !== undefined)
    return { kind: 'secondary', retryAfterS };
  if (String(field(headers, 'x-ratelimit-remaining')) === '0' || /rate limit/i.test(text))
    return { kind: 'primary' };
  return undefined;
}

/** What to do about a failed GitHub call, by status (and, for a 403, whether it is a rate limit). */
export function fixFor(status: number | undefined, needs: string, error?: unknown): string {
  const limited = error === undefined ? undefined : rateLimitOf(error);
  if (limited?.kind === 'secondary')
    return `GitHub's secondary rate limit was hit (too many requests at once, not a permission problem)${limited.retryAfterS !== undefined ? `; GitHub asks to wait ${limited.retryAfterS} s` : ''}; the next run retries. Run less often or watch fewer repositories per token if it keeps happening.`;
  if (limited?.kind === 'primary')
    return "the token's hourly rate limit is used up (not a permission problem); the next run after the reset retries.";
  if (status === 401) return 'the token is invalid or expired; check the github-token input.';
  if (status === 403 || status === 404)
    return `the token lacks permission; give the workflow \`permissions: { ${needs} }\` (or the App the same permission).`;
  return 'GitHub may be having trouble; the next run retries.';
}
