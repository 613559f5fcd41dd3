import type { Config, ServiceConfig } from '../config/schema.js';
import type { SweepPlan } from './plan.js';
import type { ProbeResult } from '../probe/types.js';
import { deployAnalysisPolicy } from '../recovery/deploy.js';
import type { ServiceRecord } from '../state/types.js';
import { addToSeries, burnPolicy, decideBurnAlerts, evaluateBurn } from '../slo/burn.js';

/** The series are kept at most this long (7 days of 10-minute buckets stay under the state's bound). */
const MAX_KEEP_MS = 7 * 86_400_000;

/**
 * Books one check into the record's burn-rate series and its recent checks (deploy analysis). Pure; called by
 * the planner right after the check is recorded.
 */
export function recordCheckWindows(
  record: ServiceRecord,
  probe: ProbeResult,
  config: Config,
  service: ServiceConfig,
): ServiceRecord {
  // Kept only where they are used (each is a few KB per service at a 5 s interval: docs/recovery.md).
  const policy = burnPolicy(config, service);
  const next = { ...record };
  if (policy.enabled) {
    const keepMs = Math.min(MAX_KEEP_MS, Math.max(policy.fast.longMs, policy.slow.longMs));
    next.checkSeries = addToSeries(record.checkSeries, probe.at, probe.ok, keepMs);
  }
  // Deploy analysis needs a platform to ask for deployments and to roll back.
  if (service.recovery) {
    const keepChecks = 2 * deployAnalysisPolicy(config).checks + 10;
    const recent: Array<[number, number, number]> = [
      ...(record.recentChecks ?? []),
      [probe.at, probe.ok ? 1 : 0, probe.ok ? probe.responseMs : 0],
    ];
    next.recentChecks = recent.slice(-keepChecks);
  }
  return next;
}

/**
 * The burn-rate step of a sweep's plan: for each checked service, a `burn` event and notification when a
 * fast or slow burn starts (once per episode; the marks are kept in the record). Mutates `plan`.
 */
export function planBurnAlerts(plan: SweepPlan, config: Config, services: ServiceConfig[]): void {
  for (const service of services) {
    const id = service.id;
    const record = Object.hasOwn(plan.state.services, id) ? plan.state.services[id] : undefined;
    if (!record || plan.services[id]?.status === 'paused' || plan.services[id]?.unchecked) continue;
    const policy = burnPolicy(config, service);
    if (!policy.enabled) continue;
    const status = evaluateBurn(record, policy, config.slo, plan.now);
    const told =
      record.health.status === 'down' ||
      Object.hasOwn(plan.state.incidents, id) ||
      plan.incidents.some((a) => a.type === 'open' && a.service === id);
    const decision = decideBurnAlerts(service.name, status, policy, record.burnAlerts, plan.now, told);
    const same = JSON.stringify(decision.marks) === JSON.stringify(record.burnAlerts ?? {});
    if (!same) {
      const { burnAlerts: _old, ...rest } = record;
      plan.state.services[id] = Object.keys(decision.marks).length
        ? { ...rest, burnAlerts: decision.marks }
        : rest;
      plan.changed = true;
    }
    for (const alert of decision.alerts) {
      plan.events.push({ type: 'burn', service: id, kind: alert.kind, reason: alert.reason, at: plan.now });
    }
  }
}
