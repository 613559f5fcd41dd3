import type { ServiceConfig } from '../config/schema.js';
import { displayName } from '../providers/http.js';
import type { Provider, ProviderContext } from '../providers/types.js';
import { formatDuration } from '../util/duration.js';
import type { Forensics } from './types.js';

/** How long forensics may take in all before what is missing is given up on. */
export const FORENSICS_BUDGET_MS = 10_000;
/** Log lines asked for by default. */
export const FORENSICS_LOG_LINES = 50;

export interface ForensicsOptions {
  /** When the outage (or slow-down) began, epoch ms. */
  outageStart: number;
  /** Detection time: only log lines before it. */
  detectedAt: number;
  /** @default 50 */
  logLines?: number;
  /** A wall-clock budget for all calls together. @default 10000 */
  budgetMs?: number;
  /** A predictive restart's response times (oldest first). */
  trend?: number[];
}

/** The first line of an error's message, bounded. */
function cause(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (text.split('\n')[0] ?? '').slice(0, 300);
}

/** Rejects when `ms` passes first; the timer never keeps the process alive. */
function within<T>(promise: Promise<T>, ms: number, budget: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`no answer within the ${formatDuration(budget)} forensics budget`)),
      Math.max(0, ms),
    );
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** Forensics are a side dish: one try, no retries, and the budget bounds every request. */
function readContext(ctx: ProviderContext, stop: AbortSignal, budget: number): ProviderContext {
  return {
    ...ctx,
    signal: ctx.signal ? AbortSignal.any([ctx.signal, stop]) : stop,
    onRetry: undefined,
    timing: {
      ...ctx.timing,
      retries: 0,
      requestTimeoutMs: Math.min(ctx.timing?.requestTimeoutMs ?? budget, budget),
    },
  };
}

/**
 * Asks the provider (when it can) for the latest deployment, the previous successful one and the last log lines
 * before detection. Never throws and never takes longer than the budget: what could not be had becomes one plain
 * note per kind ("Railway cannot give logs: …"). Read-only. Meant to run beside recovery, never before it.
 */
export async function collectForensics(
  provider: Provider,
  service: ServiceConfig,
  ctx: ProviderContext,
  options: ForensicsOptions,
): Promise<Forensics> {
  const forensics: Forensics = {
    service: service.id,
    outageStart: options.outageStart,
    notes: [],
    ...(options.trend?.length ? { trend: options.trend } : {}),
  };
  const name = displayName(provider.type);
  const budget = options.budgetMs ?? FORENSICS_BUDGET_MS;
  const started = Date.now();
  const left = () => budget - (Date.now() - started);
  const controller = new AbortController();
  const readCtx = readContext(ctx, controller.signal, budget);
  try {
    if (!provider.deployments) {
      forensics.notes.push(
        `${name} cannot give deployments or logs: the provider keeps no deployment history.`,
      );
      return forensics;
    }
    try {
      const history = await within(provider.deployments(service, readCtx), left(), budget);
      if (history.latest) forensics.latest = history.latest;
      if (history.previousSuccessful) forensics.previousSuccessful = history.previousSuccessful;
    } catch (error) {
      forensics.notes.push(`${name} cannot give deployments: ${cause(error)}`);
      return forensics;
    }
    if (!provider.logs) {
      forensics.notes.push(`${name} cannot give logs: the provider has no log API.`);
    } else if (forensics.latest && options.logLines !== 0) {
      try {
        forensics.logs = await within(
          provider.logs(service, readCtx, {
            deploymentId: forensics.latest.id,
            limit: options.logLines ?? FORENSICS_LOG_LINES,
            before: new Date(options.detectedAt).toISOString(),
          }),
          left(),
          budget,
        );
      } catch (error) {
        forensics.notes.push(`${name} cannot give logs: ${cause(error)}`);
      }
    }
    return forensics;
  } finally {
    controller.abort();
  }
}
