import { DEFAULT_ROLLBACK_WINDOW_MS } from '../config/schema.js';
import { collectForensics } from '../forensics/collect.js';
import { renderForensics } from '../forensics/render.js';
import type { Forensics } from '../forensics/types.js';
import { decideRollback, type RollbackDecision } from '../recovery/rollback.js';
import type { Config, ServiceConfig } from '../config/schema.js';
import { displayName } from '../providers/http.js';
import type { Deployment, DeploymentHistory, Provider } from '../providers/types.js';
import type { ServiceRecord } from '../state/types.js';
import { recordOf, type RecoveryStep, type SweepPlan } from './plan.js';
import type { EngineDeps, IncidentAction } from './types.js';

/** Forensics being fetched beside recovery, per service; `post` = worth a comment on the incident. */
export interface PendingForensics {
  promise: Promise<Forensics>;
  post: boolean;
  posted: boolean;
}

/** When the current outage (or slow-down) began. */
function outageStartOf(record: ServiceRecord | undefined, fallback: number): number {
  const last = record?.outages.at(-1);
  if (last && last.end === undefined) return last.start;
  return record?.health.since ?? fallback;
}

/**
 * Starts forensics, without waiting, for every service that went down this sweep, is restarted predictively,
 * or has a `rollback` step (which needs the deployments). Never throws; the promises never reject.
 */
export function startForensics(deps: EngineDeps, plan: SweepPlan): Map<string, PendingForensics> {
  const pending = new Map<string, PendingForensics>();
  const wentDown = new Set(
    plan.events.flatMap((e) => (e.type === 'status' && e.to === 'down' ? [e.service] : [])),
  );
  const predictive = new Set(plan.recoveries.filter((s) => s.trigger === 'predictive').map((s) => s.service));
  const rollback = new Set(plan.recoveries.filter((s) => s.action === 'rollback').map((s) => s.service));
  for (const id of new Set([...wentDown, ...predictive, ...rollback])) {
    const started = forensicsFor(deps, plan, id);
    if (started)
      pending.set(id, { promise: started, post: wentDown.has(id) || predictive.has(id), posted: false });
  }
  return pending;
}

/** Starts one service's forensics (undefined when it has no provider). */
function forensicsFor(deps: EngineDeps, plan: SweepPlan, id: string): Promise<Forensics> | undefined {
  const service = Object.hasOwn(deps.config.services, id) ? deps.config.services[id] : undefined;
  if (!service?.recovery) return undefined;
  const record = recordOf(plan.state, id);
  const predictive = plan.recoveries.some((s) => s.service === id && s.trigger === 'predictive');
  const outageStart = outageStartOf(record, plan.now);
  try {
    const provider = deps.provider(service.recovery.provider);
    // Forensics yield to recovery in the platform's API budget (src/providers/call-budget.ts).
    const ctx = {
      ...deps.providerContext,
      callPurpose: 'forensics' as const,
      apiBudget: deps.config.apiBudget,
    };
    return collectForensics(provider, service, ctx, {
      outageStart,
      detectedAt: plan.now,
      trend: predictive ? record?.health.recentResponseMs : undefined,
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return Promise.resolve({ service: id, outageStart, notes: [message.split('\n')[0]] });
  }
}

/** The forensics comment for the incident, once per sweep and service (undefined when nothing to post). */
export async function forensicsComment(
  deps: EngineDeps,
  pending: PendingForensics | undefined,
): Promise<IncidentAction | undefined> {
  if (!pending || !pending.post || pending.posted) return undefined;
  pending.posted = true;
  const forensics = await pending.promise;
  return {
    type: 'comment',
    service: forensics.service,
    body: renderForensics(forensics, {
      rollbackWindowMs: deps.config.rollbackWindow ?? DEFAULT_ROLLBACK_WINDOW_MS,
    }),
  };
}

/** The facts a planned `rollback` needs, gathered (I/O) before it is decided: the platform's deployments. */
export interface RollbackFacts {
  history?: DeploymentHistory;
  /** Why the deployments are unknown (the provider's words), when they are. */
  unknownBecause?: string;
}

/** Gathers a rollback step's facts: the deployments from the forensics already under way (or fetched now). */
export async function rollbackFacts(
  deps: EngineDeps,
  plan: SweepPlan,
  step: RecoveryStep,
  pending: PendingForensics | undefined,
): Promise<RollbackFacts> {
  const forensics = await (pending?.promise ?? forensicsFor(deps, plan, step.service));
  return { history: forensics, unknownBecause: forensics?.notes.find((n) => /deployments/.test(n)) };
}

/**
 * Pure: whether a planned `rollback` runs, from the facts gathered for it (src/recovery/rollback.ts decides
 * on the deployments, the outage's start and the rollback window).
 */
export function rollbackDecision(
  config: Config,
  plan: SweepPlan,
  step: RecoveryStep,
  facts: RollbackFacts,
): RollbackDecision {
  const record = recordOf(plan.state, step.service);
  return decideRollback({
    serviceName: config.services[step.service].name,
    history: facts.history,
    unknownBecause: facts.unknownBecause,
    outageStart: outageStartOf(record, plan.now),
    windowMs: config.rollbackWindow ?? DEFAULT_ROLLBACK_WINDOW_MS,
    latestProbeOk: (record?.health.consecutiveSuccesses ?? 0) > 0,
  });
}

/** A manual rollback's target, named before anything is done (`/rollback --dry-run`). */
export interface ManualRollbackTarget {
  from?: Deployment;
  target?: Deployment;
  /** Why there is no target (in words), when there is none. */
  problem?: string;
}

/** Looks up the deployment a rollback would return to (read-only, bounded by the forensics budget). */
export async function findRollbackTarget(
  deps: EngineDeps,
  service: ServiceConfig,
  provider: Provider,
): Promise<ManualRollbackTarget> {
  if (!provider.deployments)
    return {
      problem: `${displayName(provider.type)} does not list deployments, so the target can't be named`,
    };
  const now = deps.clock.now();
  const f = await collectForensics(provider, service, deps.providerContext, {
    outageStart: now,
    detectedAt: now,
    logLines: 0,
  });
  if (!f.latest) return { problem: f.notes[0] ?? 'the platform reports no deployment' };
  if (!f.previousSuccessful)
    return {
      from: f.latest,
      problem: `there is no successful deployment before ${f.latest.id} to go back to`,
    };
  return { from: f.latest, target: f.previousSuccessful };
}

/** `dep-1 (SUCCESS, 2026-…, commit abc1234 "message")`. */
export function deploymentLabel(d: Deployment): string {
  const commit = d.commitSha
    ? `, commit ${d.commitSha.slice(0, 7)}${d.commitMessage ? ` "${d.commitMessage.split('\n')[0].slice(0, 80)}"` : ''}`
    : '';
  return `${d.id} (${d.status}, ${d.createdAt}${commit})`;
}
