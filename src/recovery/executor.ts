import type { Config, RecoveryAction, ServiceConfig } from '../config/schema.js';
import type { Tuning } from '../config/presets.js';
import type { PlanItem } from '../outcome/types.js';
import type { ProbeResult } from '../probe/types.js';
import type { RecoveryAttempt, StateStore } from '../state/types.js';
import { performAction } from '../providers/actions.js';
import { ProviderError, type Provider, type ProviderContext } from '../providers/types.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { randomUUID } from 'node:crypto';
import { claimAttempt } from './claim.js';
import { noteUnrecorded, oneAtATime, serviceKey, unrecordedWithin } from './unrecorded.js';
import { formatDuration } from '../util/duration.js';
import type { ProviderType } from '../providers/registry.js';

/** What the executor needs, passed in (the engine's `EngineDeps` is one). */
export interface RecoveryDeps {
  config: Config;
  /** The provider for a service's `recovery.provider`. */
  provider: (type: ProviderType) => Provider;
  providerContext: ProviderContext;
  /** One health probe (src/probe). */
  probe: (service: ServiceConfig, options?: { confirm?: boolean }) => Promise<ProbeResult>;
  clock: Clock;
  logger: Logger;
  /**
   * The shared state. When set, every recovery attempt is claimed in it (compare-and-swap, budget re-checked)
   * before the provider is called, so concurrent runs and commands can't overspend the restart budget.
   */
  store?: StateStore;
}

/** How often the executor re-probes while waiting for a recovered service to answer healthy. */
export function verifyPollMs(tuning: Tuning): number {
  return Math.min(2000, Math.max(250, Math.round(tuning.healthCheckInterval / 4)));
}

/**
 * Waits until the service answers healthy `successThreshold` times in a row, or `deadline` passes.
 * Returns the last healthy probe, or undefined at the deadline.
 */
export async function verifyHealthy(
  deps: RecoveryDeps,
  service: ServiceConfig,
  tuning: Tuning,
  deadline: number,
): Promise<ProbeResult | undefined> {
  let healthyInARow = 0;
  const poll = verifyPollMs(tuning);
  while (deps.clock.now() <= deadline) {
    const result = await deps.probe(service);
    if (result.ok) {
      healthyInARow++;
      if (healthyInARow >= tuning.successThreshold) return result;
    } else healthyInARow = 0;
    if (deps.clock.now() + poll > deadline) break;
    await deps.clock.sleep(poll, deps.providerContext.signal);
  }
  return undefined;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** What `executeAction` did: an attempt (successful or not), or a refusal when the claim lost. */
export type ActionOutcome =
  | { attempt: RecoveryAttempt; healthyProbe?: ProbeResult; refused?: undefined }
  | { refused: string; attempt?: undefined; healthyProbe?: undefined };

/**
 * Carries out one restart, redeploy or rollback (to `item.target` when given) through the service's provider, then verifies the service answers
 * healthy within `recoveryTimeout`. With `deps.store`, the attempt is first claimed in the shared state
 * (compare-and-swap, budget re-checked): when another run or command got there first, nothing is called
 * and the outcome is `refused`. Never throws: a failure is a recorded attempt.
 */
export async function executeAction(
  deps: RecoveryDeps,
  service: ServiceConfig,
  item: PlanItem & {
    action: RecoveryAction;
    /** A rollback's target deployment. */ target?: string;
    /** A person's override of the budget (RecoveryAttempt.forced): the claim does not re-check it. */
    forced?: string;
  },
  tuning: Tuning,
  by?: string,
): Promise<ActionOutcome> {
  const at = deps.clock.now();
  const id = randomUUID();
  const base = {
    id,
    action: item.action,
    trigger: item.trigger,
    at,
    ...(by ? { by } : {}),
    ...(item.forced ? { forced: item.forced } : {}),
  };
  let claimNote = '';
  if (deps.store && service.recovery) {
    const store = deps.store;
    const key = serviceKey(service);
    const claim = {
      ...base,
      durationMs: 0,
      providerOk: false,
      healthy: false,
      pending: true,
      detail: 'claimed',
    };
    // One claim at a time per service in this process, so the count kept here when the state can't be
    // written (src/recovery/unrecorded.ts) sees every attempt before it.
    const refusal = await oneAtATime(key, async () => {
      try {
        const refused = await claimAttempt(store, service.id, claim, tuning, {
          force: item.forced !== undefined,
        });
        return refused ? `Not running ${item.action} of ${service.name}: ${refused}.` : undefined;
      } catch (error) {
        const reason = errorMessage(error).split('\n')[0];
        const earlier = unrecordedWithin(key, at, tuning.restartWindow);
        if (earlier !== undefined) {
          return `Not running ${item.action} of ${service.name}: the shared state can't be written (${reason}), so the restart budget can't be checked across runs; one attempt already ran unrecorded ${formatDuration(at - earlier)} ago, and at most one runs per ${formatDuration(tuning.restartWindow)} until the state can be written again.`;
        }
        // The shared state can't be written (GitHub down): one attempt goes ahead, counted here, and says so.
        noteUnrecorded(key, at);
        claimNote = ` (not recorded in the shared state: ${reason}; until it can be written, at most one attempt runs per ${formatDuration(tuning.restartWindow)})`;
        deps.logger.warn(
          `Service "${service.id}": could not claim the ${item.action} in the shared state; going ahead with this one attempt, counted in memory.`,
        );
        return undefined;
      }
    });
    if (refusal) return { refused: refusal };
  }
  if (!service.recovery) {
    return {
      attempt: {
        ...base,
        durationMs: 0,
        providerOk: false,
        healthy: false,
        detail: `${service.name} has no recovery configured`,
      },
    };
  }
  let detail: string;
  let providerOk = false;
  let authFailed = false;
  // Retries the provider made are part of the record (and so of the incident timeline).
  const retries: string[] = [];
  const ctx = {
    ...deps.providerContext,
    apiBudget: deps.config.apiBudget,
    onRetry: (message: string) => {
      retries.push(message);
      deps.providerContext.onRetry?.(message);
    },
  };
  try {
    const provider = deps.provider(service.recovery.provider);
    const result =
      item.action === 'rollback' && item.target && provider.rollback
        ? await provider.rollback(service, ctx, { toDeploymentId: item.target })
        : await performAction(provider, item.action, service, ctx);
    providerOk = result.ok;
    detail = result.detail;
    if (retries.length)
      detail += ` (after ${retries.length} ${retries.length === 1 ? 'retry' : 'retries'}: ${retries.at(-1)})`;
    detail += claimNote;
    if (result.output) detail += `\n${result.output}`;
  } catch (error) {
    detail = errorMessage(error);
    if (error instanceof ProviderError && error.details.auth) authFailed = true;
    if (retries.length)
      detail += ` (gave up after ${retries.length} ${retries.length === 1 ? 'retry' : 'retries'})`;
  }
  if (!providerOk) {
    const attempt = { ...base, durationMs: deps.clock.now() - at, providerOk, healthy: false, detail };
    return { attempt: authFailed ? { ...attempt, authFailed } : attempt };
  }
  const healthyProbe = await verifyHealthy(deps, service, tuning, at + tuning.recoveryTimeout);
  const durationMs = deps.clock.now() - at;
  if (!healthyProbe)
    detail += ` — but ${service.name} did not answer healthy within ${formatDuration(tuning.recoveryTimeout)}`;
  return {
    attempt: { ...base, durationMs, providerOk, healthy: healthyProbe !== undefined, detail },
    healthyProbe,
  };
}

/** Runs independent items at once (`parallelRecovery`) or one after another. */
export async function runAll<T, R>(items: T[], parallel: boolean, fn: (item: T) => Promise<R>): Promise<R[]> {
  if (parallel) return Promise.all(items.map(fn));
  const out: R[] = [];
  for (const item of items) out.push(await fn(item));
  return out;
}
