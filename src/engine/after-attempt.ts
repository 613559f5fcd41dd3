import type { Config } from '../config/schema.js';
import { recoveredHealth } from '../monitor/machine.js';
import type { ProbeResult } from '../probe/types.js';
import { countVerifiedCheck, recordAttempt } from '../state/records.js';
import type { IncidentRef, RecoveryAttempt, ServiceRecord } from '../state/types.js';
import type { RecoveryStep } from './plan.js';
import { attemptComment, openedBody, resolvedComment } from './timeline.js';
import type { EngineEvent, IncidentAction, Notification } from './types.js';

/** The decisions that follow one finished recovery attempt. */
export interface AfterAttempt {
  record: ServiceRecord;
  events: EngineEvent[];
  incidents: IncidentAction[];
  notifications: Notification[];
  /** Healthy again: the outcome's new response time. */
  recovered?: { responseMs: number };
}

/**
 * Pure: what follows a recovery attempt. The attempt is recorded (the ladder moves on after a `down` attempt),
 * the incident gets its timeline entry (opened first if none is), and a verified recovery closes the outage,
 * resets the ladder, resolves the incident and notifies `resolved`.
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
  const incidents: IncidentAction[] = [];
  const notifications: Notification[] = [];
  if (!input.open) {
    const kind = record.health.status === 'down' ? 'down' : 'degraded';
    const reason =
      attempt.trigger === 'predictive' ? 'degradation trend' : (record.health.lastError ?? 'failed checks');
    incidents.push({
      type: 'open',
      service: id,
      kind,
      at: attempt.at,
      body: openedBody(service, kind, undefined, reason, attempt.at),
    });
  }
  incidents.push({ type: 'comment', service: id, body: attemptComment(service, attempt) });
  if (!healthyProbe) return { record, events, incidents, notifications };
  const from = record.health.status;
  record = closeOutage(
    countVerifiedCheck(
      {
        ...record,
        health: recoveredHealth(record.health, healthyProbe.at, healthyProbe.responseMs),
        ladderStep: 0,
        escalatedAt: undefined,
      },
      healthyProbe.responseMs,
    ),
    healthyProbe.at,
  );
  events.push({
    type: 'status',
    service: id,
    from,
    to: 'up',
    reason: `${attempt.action} worked`,
    at: healthyProbe.at,
  });
  const openedAt = input.open?.openedAt ?? attempt.at;
  const durationMs = healthyProbe.at - openedAt;
  incidents.push({
    type: 'resolve',
    service: id,
    at: healthyProbe.at,
    durationMs,
    body: `${resolvedComment(service, durationMs, healthyProbe.at)} The ${attempt.action} brought it back.`,
  });
  notifications.push({
    type: 'resolved',
    service: id,
    at: healthyProbe.at,
    reason: `${attempt.action} worked`,
  });
  return { record, events, incidents, notifications, recovered: { responseMs: healthyProbe.responseMs } };
}

/** Ends the open outage interval at `at`. */
export function closeOutage(record: ServiceRecord, at: number): ServiceRecord {
  const outages = [...record.outages];
  const last = outages[outages.length - 1];
  if (last && last.end === undefined) outages[outages.length - 1] = { ...last, end: at };
  return { ...record, outages };
}
