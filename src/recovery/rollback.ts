import type { Deployment, DeploymentHistory } from '../providers/types.js';
import { formatDuration } from '../util/duration.js';

/** How the outage relates to the latest deployment. */
export interface DeployRelation {
  deployment: Deployment;
  /** Outage start minus deployment time, ms (negative: deployed after the outage began). */
  gapMs: number;
  /** 0 ≤ gap ≤ rollbackWindow. */
  withinWindow: boolean;
}

/** Pure: how long after `latest` the outage began, and whether that is within `windowMs`. */
export function deployRelation(
  latest: Deployment | undefined,
  outageStart: number,
  windowMs: number,
): DeployRelation | undefined {
  if (!latest) return undefined;
  const at = Date.parse(latest.createdAt);
  if (!Number.isFinite(at)) return undefined;
  const gapMs = outageStart - at;
  return { deployment: latest, gapMs, withinWindow: gapMs >= 0 && gapMs <= windowMs };
}

export type RollbackDecision =
  { take: true; target: Deployment; from: Deployment; reason: string } | { take: false; reason: string };

/**
 * Pure: whether a `rollback` ladder step runs. It does only when the outage began within `rollbackWindow` of the
 * latest deployment, there is an earlier successful deployment to go back to, and the latest probe failed
 * (a service whose latest probe passed is never rolled back). The reason is written for the incident timeline.
 */
export function decideRollback(input: {
  serviceName: string;
  history: DeploymentHistory | undefined;
  /** Why the deployments are unknown (the provider's error), when they are. */
  unknownBecause?: string;
  outageStart: number;
  windowMs: number;
  latestProbeOk: boolean;
}): RollbackDecision {
  const skip = (why: string): RollbackDecision => ({ take: false, reason: `skipped rollback: ${why}` });
  if (input.latestProbeOk) return skip(`${input.serviceName} answered healthy on its latest check`);
  const latest = input.history?.latest;
  if (!latest)
    return skip(
      input.unknownBecause
        ? 'the latest deployment is unknown (the forensics section says why)'
        : 'the platform reports no deployment',
    );
  const relation = deployRelation(latest, input.outageStart, input.windowMs);
  if (!relation) return skip(`deployment ${latest.id} has no usable time ("${latest.createdAt}")`);
  if (relation.gapMs < 0)
    return skip(
      `the last deploy (${latest.id}) came ${formatDuration(-relation.gapMs)} after the outage began`,
    );
  if (!relation.withinWindow)
    return skip(
      `the outage began ${formatDuration(relation.gapMs)} after the last deploy (rollbackWindow is ${formatDuration(input.windowMs)})`,
    );
  const target = input.history?.previousSuccessful;
  if (!target) return skip(`there is no successful deployment before ${latest.id} to go back to`);
  return {
    take: true,
    target,
    from: latest,
    reason: `the outage began ${formatDuration(relation.gapMs)} after deploy ${latest.id} (within rollbackWindow ${formatDuration(input.windowMs)}): rolling back to ${target.id}`,
  };
}
