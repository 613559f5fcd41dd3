import type { ServiceConfig } from '../config/schema.js';
import { recordOf, type SweepPlan } from './plan.js';
import { attemptComment, openedBody } from './timeline.js';
import type { EngineDeps, IncidentAction } from './types.js';
import type { Deployment, DeploymentHistory, Provider } from '../providers/types.js';
import { recordAttempt } from '../state/records.js';
import type { ServiceRecord } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import {
  analyzeDeploy,
  baselineBefore,
  deployAnalysisPolicy,
  suspectChange,
  type DeployVerdict,
} from '../recovery/deploy.js';
import { executeAction } from '../recovery/executor.js';
import { budgetFor } from '../recovery/planner.js';
import type { EngineEvent, ServiceOutcome } from '../outcome/types.js';

/**
 * Deploy analysis in a sweep (docs/recovery.md). The platform is asked for its deployments only when the
 * recent checks already look worse than the ones before them (never for a healthy, unchanged service), at
 * most once per {@link LOOKUP_EVERY_MS}, as a diagnostic that yields to recovery in the API budget. A deploy
 * known from a platform event ({@link noteDeploy}) needs no call at all. When the checks after the deploy
 * are clearly worse than before, the service's incident says so with both numbers; with
 * `rollbackOn: degraded-deploy` the deploy is rolled back (restart budget, claim, dry-run and audit as any
 * rollback).
 */

/** A service that keeps looking worse without a new deploy is looked up again at most this often. */
export const LOOKUP_EVERY_MS = 10 * 60_000;

/** Records a deploy learned from a platform event: it is analysed from the checks, with no API call. */
export function noteDeploy(record: ServiceRecord, id: string, at: number): ServiceRecord {
  if (record.deployChecked?.id === id) return record;
  return { ...record, deployChecked: { id, at, verdict: 'undecided' } };
}

interface Hooks {
  apply: (actions: IncidentAction[]) => Promise<void>;
  emit: (event: EngineEvent) => void;
  outcomes: Record<string, ServiceOutcome>;
}

/** Runs the analysis for every swept service; returns whether the state changed. */
export async function checkDeploys(deps: EngineDeps, plan: SweepPlan, hooks: Hooks): Promise<boolean> {
  let changed = false;
  for (const id of Object.keys(plan.services)) {
    const service = Object.hasOwn(deps.config.services, id) ? deps.config.services[id] : undefined;
    const record = recordOf(plan.state, id);
    if (!service?.recovery || !record || plan.services[id].status === 'paused') continue;
    // A service that is down or already being recovered is the ladder's (its rollback step has its own rule).
    if (record.health.status === 'down' || plan.recoveries.some((r) => r.service === id)) continue;
    if (await checkOne(deps, plan, service, record, hooks)) changed = true;
  }
  return changed;
}

function providerOf(deps: EngineDeps, service: ServiceConfig): Provider | undefined {
  try {
    return deps.provider(service.recovery!.provider);
  } catch {
    return undefined;
  }
}

async function lookup(
  deps: EngineDeps,
  provider: Provider,
  service: ServiceConfig,
  purpose: 'diagnostic' | 'recovery',
) {
  return provider.deployments!(service, {
    ...deps.providerContext,
    callPurpose: purpose,
    apiBudget: deps.config.apiBudget,
  });
}

async function checkOne(
  deps: EngineDeps,
  plan: SweepPlan,
  service: ServiceConfig,
  record: ServiceRecord,
  hooks: Hooks,
): Promise<boolean> {
  const id = service.id;
  const policy = deployAnalysisPolicy(deps.config);
  const checks = record.recentChecks ?? [];
  const provider = providerOf(deps, service);
  let known = record.deployChecked;
  let history: DeploymentHistory | undefined;
  const save = (next: ServiceRecord['deployChecked']) => {
    plan.state.services[id] = { ...recordOf(plan.state, id)!, deployChecked: next };
  };
  if (!known || known.verdict !== 'undecided') {
    if (!suspectChange(checks, policy, (from) => baselineBefore(record.checkSeries, from))) return false;
    if (known?.lookedAt !== undefined && plan.now - known.lookedAt < LOOKUP_EVERY_MS) return false;
    if (deps.dryRun || !provider?.deployments) return false;
    try {
      history = await lookup(deps, provider, service, 'diagnostic');
    } catch (error) {
      const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
      hooks.emit({ type: 'skipped', service: id, reason: `deploy analysis: ${message}` });
      save(known ? { ...known, lookedAt: plan.now } : { id: '', at: 0, verdict: 'ok', lookedAt: plan.now });
      return true;
    }
    const latest = history.latest;
    const at = latest ? Date.parse(latest.createdAt) : NaN;
    if (!latest || !Number.isFinite(at) || latest.id === known?.id) {
      save(
        known
          ? { ...known, lookedAt: plan.now }
          : { id: latest?.id ?? '', at: 0, verdict: 'ok', lookedAt: plan.now },
      );
      return true;
    }
    known = { id: latest.id, at, verdict: 'undecided', lookedAt: plan.now };
  }
  const verdict = analyzeDeploy(checks, known.at, policy, baselineBefore(record.checkSeries, known.at));
  // A deploy that can never be judged (older than every kept check, or dated in the future) is let go, so the
  // next suspicion looks the deployments up again instead of waiting on it forever.
  const unjudgeable =
    verdict.verdict === 'undecided' && (verdict.after.n >= policy.checks || known.at > plan.now);
  save({ ...known, verdict: unjudgeable ? 'ok' : verdict.verdict });
  if (verdict.verdict !== 'worse') return true;
  await reportAndRollback(
    deps,
    plan,
    service,
    provider,
    { ...known, verdict: 'worse' },
    verdict,
    history,
    hooks,
  );
  return true;
}

async function reportAndRollback(
  deps: EngineDeps,
  plan: SweepPlan,
  service: ServiceConfig,
  provider: Provider | undefined,
  deploy: NonNullable<ServiceRecord['deployChecked']>,
  verdict: DeployVerdict,
  history: DeploymentHistory | undefined,
  hooks: Hooks,
): Promise<void> {
  const id = service.id;
  const since = formatDuration(Math.max(0, plan.now - deploy.at));
  const finding = `deploy ${deploy.id} (${since} ago) made ${service.name} ${verdict.reason}`;
  await hooks.apply([
    {
      type: 'open',
      service: id,
      kind: 'degraded',
      at: plan.now,
      body: openedBody(service, 'degraded', undefined, finding, plan.now),
    },
    { type: 'comment', service: id, body: `📉 **Deploy analysis**: ${finding}.` },
  ]);
  const note = async (text: string) => {
    hooks.emit({ type: 'skipped', service: id, reason: text });
    await hooks.apply([{ type: 'comment', service: id, body: `⏭️ ${text}.` }]);
  };
  if (service.rollbackOn !== 'degraded-deploy')
    return note(`reported only: set rollbackOn: degraded-deploy on ${id} to roll such a deploy back`);
  if (!provider?.rollback) return note(`not rolled back: ${service.recovery!.provider} has no rollback`);
  const record = recordOf(plan.state, id)!;
  const budget = budgetFor(record, plan.tuning, plan.now);
  if (budget.exhausted || budget.nextAllowedAt > plan.now)
    return note(
      `not rolled back: the restart budget allows the next recovery of ${service.name} in ${formatDuration(budget.nextAllowedAt - plan.now)}`,
    );
  let target: Deployment | undefined = history?.previousSuccessful;
  if (!target && !deps.dryRun && provider.deployments) {
    try {
      target = (await lookup(deps, provider, service, 'recovery')).previousSuccessful;
    } catch (error) {
      return note(
        `not rolled back: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
      );
    }
  }
  const reason = `${finding}: rolling back${target ? ` to ${target.id}` : ''} (rollbackOn: degraded-deploy)`;
  if (deps.dryRun) return note(`dry-run: would roll back (${reason})`);
  if (!target)
    return note(`not rolled back: there is no successful deployment before ${deploy.id} to go back to`);
  hooks.emit({
    type: 'recovery-start',
    service: id,
    action: 'rollback',
    trigger: 'predictive',
    reason,
    at: deps.clock.now(),
  });
  const outcome = await executeAction(
    deps,
    service,
    { service: id, action: 'rollback', trigger: 'predictive', reason, target: target.id },
    plan.tuning,
  );
  if (outcome.refused !== undefined) return note(outcome.refused);
  const attempt = outcome.attempt;
  // The checks before the rollback describe the bad version; the analysis starts afresh.
  plan.state.services[id] = { ...recordAttempt(recordOf(plan.state, id)!, attempt), recentChecks: [] };
  hooks.outcomes[id].attempts.push(attempt);
  hooks.emit({ type: 'recovery-end', service: id, attempt });
  await hooks.apply([{ type: 'comment', service: id, body: attemptComment(service, attempt) }]);
  if (attempt.healthy) {
    const open = Object.hasOwn(plan.state.incidents, id) ? plan.state.incidents[id] : undefined;
    await hooks.apply([
      {
        type: 'resolve',
        service: id,
        at: deps.clock.now(),
        durationMs: deps.clock.now() - (open?.openedAt ?? plan.now),
        body: `✅ Rolled back ${service.name} from ${deploy.id} to ${target.id}; it answers healthy again.`,
        number: open?.number,
      },
    ]);
  }
}
