import type { Config, ServiceConfig } from '../config/schema.js';
import { recoveredHealth } from '../monitor/machine.js';
import type { ProbeResult } from '../probe/types.js';
import { countVerifiedCheck, recordAttempt } from '../state/records.js';
import type { IncidentRef, RecoveryAttempt, ServiceRecord } from '../state/types.js';
import type { RecoveryStep } from './plan.js';
import { openIncidentIfNone } from './incident-rule.js';
import { attemptComment, resolvedComment } from './timeline.js';
import type { IncidentAction } from './types.js';
import type { EngineEvent } from '../outcome/types.js';

/** The decisions that follow one finished recovery attempt. */
export interface AfterAttempt {
  record: ServiceRecord;
  events: EngineEvent[];
  incidents: IncidentAction[];
  /** Healthy again: the outcome's new response time. */
  recovered?: { responseMs: number };
}

/**
 * Pure: what follows a recovery attempt. The attempt is recorded (the ladder moves on after a `down` attempt),
 * the incident gets its timeline entry (opened first if none is), and a verified recovery closes the outage,
 * resets the ladder and resolves the incident (its `status` event is what tells `resolved`: src/notify/events.ts).
 */
export function planAfterAttempt(input: {
  config: Config;
  record: ServiceRecord;
  open: IncidentRef | undefined;
  step: RecoveryStep;
  attempt: RecoveryAttempt;
  healthyProbe?: ProbeResult;
}): AfterAttempt {
  const { step, attempt, healthyProbe } = input;
  const service = input.config.services[step.service];
  const id = step.service;
  let record = recordAttempt(input.record, attempt);
  if (step.trigger === 'down') record = { ...record, ladderStep: record.ladderStep + 1 };
  const events: EngineEvent[] = [{ type: 'recovery-end', service: id, attempt }];
  const incidents: IncidentAction[] = openIncidentIfNone(input.open !== undefined, {
    service,
    status: record.health.status,
    reason:
      attempt.trigger === 'predictive' ? 'degradation trend' : (record.health.lastError ?? 'failed checks'),
    at: attempt.at,
  });
  incidents.push({ type: 'comment', service: id, body: attemptComment(service, attempt) });
  if (!healthyProbe) return { record, events, incidents };
  const back = planRecovered(service, record, attempt, healthyProbe, input.open?.openedAt ?? attempt.at);
  return {
    record: back.record,
    events: [...events, ...back.events],
    incidents: [...incidents, ...back.incidents],
    recovered: { responseMs: healthyProbe.responseMs },
  };
}

/** Pure: a verified recovery closes the outage, resets the ladder and resolves the incident. */
function planRecovered(
  service: ServiceConfig,
  before: ServiceRecord,
  attempt: RecoveryAttempt,
  healthyProbe: ProbeResult,
  openedAt: number,
): Omit<AfterAttempt, 'recovered'> {
  const at = healthyProbe.at;
  // The healthy answer that verified the recovery is a check like any other (Checks 1/2, not 0/1).
  const record = closeOutage(
    countVerifiedCheck(
      {
        ...before,
        health: recoveredHealth(before.health, at, healthyProbe.responseMs),
        ladderStep: 0,
        escalatedAt: undefined,
      },
      healthyProbe.responseMs,
    ),
    at,
  );
  const reason = `${attempt.action} worked`;
  const durationMs = at - openedAt;
  return {
    record,
    events: [{ type: 'status', service: service.id, from: before.health.status, to: 'up', reason, at }],
    incidents: [
      {
        type: 'resolve',
        service: service.id,
        at,
        durationMs,
        body: `${resolvedComment(service, durationMs, at)} The ${attempt.action} brought it back.`,
      },
    ],
  };
}

/**
 * Pure: what follows a planned step that does not apply (a rollback with no recent deploy to undo): the
 * ladder moves past it, no budget is spent, and the incident's timeline says why.
 */
export function planSkippedStep(input: { record: ServiceRecord; step: RecoveryStep; reason: string }): {
  record: ServiceRecord;
  events: EngineEvent[];
  incidents: IncidentAction[];
} {
  const { step, reason } = input;
  return {
    record: { ...input.record, ladderStep: input.record.ladderStep + 1 },
    events: [{ type: 'skipped', service: step.service, reason }],
    incidents: [{ type: 'comment', service: step.service, body: `⏭️ ${reason}.` }],
  };
}

/** Ends the open outage interval at `at`. */
function closeOutage(record: ServiceRecord, at: number): ServiceRecord {
  const outages = [...record.outages];
  const last = outages[outages.length - 1];
  if (last && last.end === undefined) outages[outages.length - 1] = { ...last, end: at };
  return { ...record, outages };
}
