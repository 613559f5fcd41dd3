import { codeOf, field } from '../util/fields.js';
import pLimit from 'p-limit';
import { makeRedactor, secretValues } from '../util/secrets.js';
import { isRetryableStatus, RetryableError, retryAfterFromHeaders, withRetry } from '../util/retry.js';
import { buildRequest } from './payloads.js';
import { targetLabel, targetSecrets, type NotifyTarget } from '../config/notify.js';
import { neutralise } from './text.js';
import { readPrefix } from '../util/read.js';
import { neutralize } from '../util/redact.js';
import type { NotificationEvent } from '../state/types.js';

/** Bytes of a receiver's error answer read at most (a line of it is quoted). */
export const MAX_ERROR_BODY_BYTES = 16 * 1024;

/** Options of {@link sendNotifications}. */
export interface SendOptions {
  /** `fetch` to use (tests, a proxy-aware one). @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Environment: `TELEGRAM_API_URL`, and the secrets to redact. @default {} */
  env?: NodeJS.ProcessEnv;
  /** Budget for one message, retries included (ms); after it the message is given up. @default 10000 */
  timeoutMs?: number;
  /** Extra attempts (the shared policy, src/util/retry.ts). @default 2 */
  retries?: number;
  /** Messages in flight at once. @default 4 */
  concurrency?: number;
  /** Waits between retries (tests inject one). */
  sleep?: (ms: number) => Promise<void>;
  /** More text to scrub from errors (the face's redactor). */
  redact?: (text: string) => string;
}

/** A message that could not be delivered: one line for the incident's timeline (redacted). */
export interface NotifyFailure {
  eventId: string;
  service: string;
  target: string;
  message: string;
}

/** What a send did. */
export interface SendResult {
  sent: number;
  failures: NotifyFailure[];
}

/** Targets that want this event (`on` filter; `test` goes to every target). */
export function targetsFor(targets: NotifyTarget[], event: NotificationEvent): Array<[NotifyTarget, number]> {
  return targets
    .map((t, i): [NotifyTarget, number] => [t, i])
    .filter(([t]) => event.transition === 'test' || !t.on || t.on.includes(event.transition));
}

/**
 * Sends every event to every target that wants it: in parallel (at most `concurrency` at once), each through
 * the shared retry policy within `timeoutMs`. Never throws and never waits longer than about `timeoutMs` per
 * message, so the engine starts it **after** the state write and does not await it before recovery.
 * Errors are redacted (environment secrets, the targets' URLs and tokens) and anything echoed from the
 * receiver is neutralised.
 */
export async function sendNotifications(
  targets: NotifyTarget[],
  events: NotificationEvent[],
  options: SendOptions = {},
): Promise<SendResult> {
  const env = options.env ?? {};
  const scrub = makeRedactor(secretValues(env, targetSecrets(targets)));
  const redact = (text: string) => scrub(options.redact ? options.redact(text) : text);
  const limit = pLimit(options.concurrency ?? 4);
  const jobs: Array<Promise<NotifyFailure | undefined>> = [];
  for (const event of events) {
    for (const [target, index] of targetsFor(targets, event)) {
      jobs.push(
        limit(async () => {
          try {
            await deliver(target, event, env, options);
            return undefined;
          } catch (error: unknown) {
            const label = targetLabel(target, index);
            const cause = neutralise(redact(error instanceof Error ? error.message : String(error)), 300);
            return {
              eventId: event.id,
              service: event.service,
              target: label,
              // The test message itself says only what to check: it is what `notify --test` just ran.
              message:
                event.transition === 'test'
                  ? `Test message to ${label} failed: ${cause}. Check the target's URL and token in notify:.`
                  : `Notification to ${label} about "${event.transition}" of ${event.service} failed: ${cause}. Check the target's URL/token in notify: and run \`uptime-action notify --test\`.`,
            };
          }
        }),
      );
    }
  }
  const results = await Promise.all(jobs);
  const failures = results.filter((r): r is NotifyFailure => r !== undefined);
  return { sent: results.length - failures.length, failures };
}

async function deliver(
  target: NotifyTarget,
  event: NotificationEvent,
  env: NodeJS.ProcessEnv,
  options: SendOptions,
): Promise<void> {
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  const timeoutMs = options.timeoutMs ?? 10_000;
  const deadline = AbortSignal.timeout(timeoutMs);
  const request = buildRequest(target, event, env);
  const sleep = (ms: number) =>
    deadline.aborted
      ? Promise.reject(new Error(`gave up after ${timeoutMs}ms`))
      : (options.sleep ?? abortableSleep(deadline))(Math.min(ms, timeoutMs));
  await withRetry(
    async () => {
      let response: Response;
      try {
        response = await fetchImpl(request.url, {
          method: 'POST',
          headers: { ...request.headers, ...deliveryHeaders(event) },
          body: request.body,
          signal: deadline,
          redirect: 'error',
        });
      } catch (error: unknown) {
        if (deadline.aborted) throw new Error(`no answer within ${timeoutMs}ms`);
        const cause =
          codeOf(field(error, 'cause')) ?? (error instanceof Error ? error.message : String(error));
        throw new RetryableError(`could not connect (${cause})`);
      }
      if (response.ok) return void (await response.body?.cancel().catch(() => undefined));
      // Only quoted in the failure line: a bounded read (a receiver may answer hundreds of MB).
      const text = await readPrefix(response, MAX_ERROR_BODY_BYTES).catch(() => '');
      const detail = `HTTP ${response.status}${text ? ` ${neutralise(text, 120)}` : ''}`;
      if (isRetryableStatus(response.status))
        throw new RetryableError(detail, response.status, retryAfterFromHeaders(response.headers));
      throw new Error(detail);
    },
    { retries: options.retries ?? 2, baseDelayMs: 500, maxDelayMs: timeoutMs, sleep },
  );
}

/**
 * Every message says which one it is (`X-Uptime-Id`, stable across resends, so a receiver can drop a
 * repeat) and how many earlier sends never settled (`X-Uptime-Retries`, src/notify/outbox.ts).
 */
export function deliveryHeaders(event: NotificationEvent): Record<string, string> {
  const headers: Record<string, string> = { 'X-Uptime-Id': event.id.replace(/[^\x21-\x7e]/g, '_') };
  if (event.tries) headers['X-Uptime-Retries'] = String(event.tries);
  return headers;
}

function abortableSleep(signal: AbortSignal) {
  return (ms: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', stop);
        resolve();
      }, ms);
      const stop = () => {
        clearTimeout(timer);
        reject(new Error('gave up: the time for this message ran out'));
      };
      signal.addEventListener('abort', stop, { once: true });
    });
}

/**
 * The incident timeline entry (Markdown) for a failed notification: `incidents.comment(service, ref, entry)`.
 * A receiver's echo is made inert: no live image, link, autolink, HTML or mention.
 */
export function failureTimelineEntry(failure: NotifyFailure): string {
  // The shared rules (src/util/redact.ts): the receiver's words may hold an image, a link or a mention.
  return `⚠️ ${neutralize(failure.message)}`;
}
