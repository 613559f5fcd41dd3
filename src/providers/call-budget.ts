import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { formatDuration } from '../util/duration.js';
import { retryAfterFromHeaders } from '../util/retry.js';

/**
 * The platforms' API call budget (docs/recovery.md): per token, a sliding hour of calls against the plan's
 * limit, and what the platform itself said (`Retry-After`, `X-RateLimit-Remaining` / `-Reset`). Recovery
 * may use the whole budget; forensics and diagnostics stop at the reserve, so a restart is never refused
 * because log lines were fetched first. Nothing here calls anything: `requestJson` asks before each call and
 * tells after it.
 */

/** The config's `apiBudget:` key, per platform (the config schema composes it). */
const platformBudgetSchema = z.strictObject({
  /** Railway's plans: free 100/h, hobby 1,000/h, pro 10,000/h. */
  plan: z.optional(z.enum(['free', 'hobby', 'pro'])),
  /** Calls per hour allowed to one token; overrides the plan. */
  perHour: z.optional(z.number().check(z.int(), z.minimum(1), z.maximum(10_000_000))),
  /** Share of the hour's calls (percent) kept for recovery: forensics and diagnostics stop below it. @default 20 */
  reserve: z.optional(z.number().check(z.minimum(0), z.lt(100))),
});
export type PlatformBudgetConfig = z.output<typeof platformBudgetSchema>;

export const apiBudgetSchema = z.record(z.string(), platformBudgetSchema);
export type ApiBudgetConfig = Record<string, PlatformBudgetConfig>;

/** Why a call is made: recovery (restart, redeploy, rollback) outranks reading (forensics, diagnostics). */
export type CallPurpose = 'recovery' | 'forensics' | 'diagnostic';

/**
 * Calls per hour per token when the config names no plan. Railway publishes its limits per plan (Free 100,
 * Hobby 1,000, Pro 10,000 requests an hour); Heroku allows 4,500 an hour per account. Render and Fly publish
 * no hourly figure that applies here: only their headers are honoured unless `apiBudget` sets `perHour`.
 */
export const RAILWAY_PLANS = { free: 100, hobby: 1000, pro: 10_000 } as const;
export const DEFAULT_PER_HOUR: Record<string, number> = { railway: RAILWAY_PLANS.hobby, heroku: 4500 };
/** Percent of the hour's calls kept for recovery. */
export const DEFAULT_RESERVE_PERCENT = 20;
const HOUR = 3_600_000;

/** The hourly limit and reserve of a platform under the config's `apiBudget`. */
export function limitFor(
  provider: string,
  config: ApiBudgetConfig | undefined,
): { perHour?: number; reservePercent: number } {
  const own: PlatformBudgetConfig | undefined =
    config && Object.hasOwn(config, provider) ? config[provider] : undefined;
  const plan = own?.plan && provider === 'railway' ? RAILWAY_PLANS[own.plan] : undefined;
  return {
    perHour:
      own?.perHour ??
      plan ??
      (Object.hasOwn(DEFAULT_PER_HOUR, provider) ? DEFAULT_PER_HOUR[provider] : undefined),
    reservePercent: own?.reserve ?? DEFAULT_RESERVE_PERCENT,
  };
}

/** What the budget says about one call about to be made. */
export type CallPermit =
  | { ok: true }
  /** Not now: the platform asked us to wait (Retry-After, a spent X-RateLimit window) until `until`. */
  | { ok: false; until: number; reason: string }
  /** Not this purpose: reading yields to recovery (or the hour is spent). */
  | { ok: false; until?: undefined; reason: string };

interface TokenState {
  /** Call times in the last hour, oldest first. */
  calls: number[];
  /** No call before this (epoch ms): Retry-After or a spent window's reset. */
  blockedUntil: number;
  /** The platform's own count, when it sends one. */
  remaining?: number;
  remainingResetAt?: number;
}

/** One process's budgets, per provider and token. A process shares them across sweeps, as the platform does. */
export class CallBudgets {
  private readonly tokens = new Map<string, TokenState>();

  /** `railway@host:3f1a…`: where the calls go and a fingerprint of the token (never the token). */
  static keyOf(endpoint: string, token: string | undefined): string {
    const print = token ? createHash('sha256').update(token).digest('hex').slice(0, 12) : 'anonymous';
    return `${endpoint}:${print}`;
  }

  private stateOf(key: string, now: number): TokenState {
    let state = this.tokens.get(key);
    if (!state) this.tokens.set(key, (state = { calls: [], blockedUntil: 0 }));
    while (state.calls.length && state.calls[0] <= now - HOUR) state.calls.shift();
    if (state.remainingResetAt !== undefined && now >= state.remainingResetAt) {
      state.remaining = undefined;
      state.remainingResetAt = undefined;
    }
    return state;
  }

  /** Calls made with this token in the last hour. */
  used(key: string, now: number): number {
    return this.stateOf(key, now).calls.length;
  }

  /** Whether a call may go now. */
  permit(
    key: string,
    purpose: CallPurpose,
    now: number,
    limit: { perHour?: number; reservePercent: number },
    platform: string,
  ): CallPermit {
    const state = this.stateOf(key, now);
    if (state.blockedUntil > now)
      return {
        ok: false,
        until: state.blockedUntil,
        reason: `${platform} asked to wait ${formatDuration(state.blockedUntil - now)} (rate limited)`,
      };
    const localLeft = limit.perHour === undefined ? Infinity : limit.perHour - state.calls.length;
    const left = Math.min(localLeft, state.remaining ?? Infinity);
    if (left <= 0) {
      const oldest = state.calls[0];
      const until = state.remainingResetAt ?? (oldest !== undefined ? oldest + HOUR : now + HOUR);
      return {
        ok: false,
        until,
        reason: `the ${platform} API budget of this token is spent (${state.calls.length} calls in the last hour${limit.perHour ? ` of ${limit.perHour}` : ''}); room again in ${formatDuration(until - now)}`,
      };
    }
    if (purpose !== 'recovery' && limit.perHour !== undefined) {
      const reserve = (limit.reservePercent / 100) * limit.perHour;
      if (left <= reserve)
        return {
          ok: false,
          reason: `the ${platform} API budget is nearly spent (${Math.max(0, Math.floor(left))} of ${limit.perHour} calls left this hour, ${limit.reservePercent}% kept for recovery)`,
        };
    }
    return { ok: true };
  }

  /** Books a call made now and what its answer said about the limits. */
  record(
    key: string,
    now: number,
    answer?: { status: number; headers: Headers; retryAfterMs?: number },
  ): void {
    const state = this.stateOf(key, now);
    state.calls.push(now);
    if (!answer) return;
    const { status, headers } = answer;
    const remaining = Number(headers.get('x-ratelimit-remaining') ?? NaN);
    const reset = answer.retryAfterMs ?? retryAfterFromHeaders(headers, now) ?? resetMs(headers, now);
    if (Number.isFinite(remaining)) {
      state.remaining = Math.max(0, remaining);
      state.remainingResetAt = reset !== undefined ? now + reset : now + HOUR;
    }
    const spent = status === 429 || (Number.isFinite(remaining) && remaining <= 0);
    if (spent) state.blockedUntil = Math.max(state.blockedUntil, now + (reset ?? 60_000));
  }
}

/** `X-RateLimit-Reset` as ms from now: epoch seconds (Railway, GitHub) or seconds from now. */
function resetMs(headers: Headers, now: number): number | undefined {
  const value = Number(headers.get('x-ratelimit-reset') ?? NaN);
  if (!Number.isFinite(value)) return undefined;
  return value > 1e9 ? Math.max(0, value * 1000 - now) : Math.max(0, value * 1000);
}

/**
 * The shared budgets of one timeline: one per clock (a process has one; each test its own virtual one), so
 * every sweep, command and forensics call of a process counts against the same budget, as the platform does.
 */
const byClock = new WeakMap<object, CallBudgets>();
export function sharedCallBudgets(clock: object): CallBudgets {
  let budgets = byClock.get(clock);
  if (!budgets) byClock.set(clock, (budgets = new CallBudgets()));
  return budgets;
}
