import { resolveTuning, type Mode, type Tuning } from '../config/presets.js';
import type { Config, ServiceConfig } from '../config/schema.js';
import { confirmDone, observe } from '../monitor/machine.js';
import { mapBounded } from '../probe/sweep.js';
import { emptyRecord, forgetUnconfigured, mergeRecord } from '../state/records.js';
import type { ProbeResult } from '../probe/types.js';
import type { UptimeState } from '../state/types.js';
import { executePlan } from './execute.js';
import { isPaused, planSweep, recordOf, sweptServices, type ServiceObservation } from './plan.js';
import type { EngineDeps } from './types.js';
import type { SweepResult } from '../outcome/types.js';

/** The mode in force: an explicit override (input, flag), else the one set by `/mode`, else the config's. */
export function effectiveMode(config: Config, state: UptimeState, override?: Mode): Mode {
  return override ?? state.mode ?? config.mode;
}

export { isPaused };

/**
 * Probes every service (bounded concurrency; immediate confirm re-probes when a failure reaches
 * `maxConsecutiveFailures`, as many as {@link confirmDone} asks). Paused services are not probed.
 */
async function probeAndConfirm(
  deps: EngineDeps,
  state: UptimeState,
  tuning: Tuning,
  services: ServiceConfig[],
  now: number,
): Promise<Map<string, ServiceObservation>> {
  const order = slowestFirst(state, services);
  const seen = await mapBounded(order, deps.config.probeConcurrency, async (service) => {
    if (isPaused(state, service.id, now)) return undefined;
    const previous = recordOf(state, service.id)?.health ?? emptyRecord(now).health;
    const first = await deps.probe(service);
    if (first.local || !observe(previous, first, tuning).needsConfirm) return { first };
    // Re-probe at once until the confirm policy is satisfied (fast failures twice, timeouts once); the last
    // answer is the confirm the plan observes.
    const confirms: ProbeResult[] = [];
    while (!confirmDone(confirms, deps.confirmPolicy) && !confirms.at(-1)?.local)
      confirms.push({ ...(await deps.probe(service, { confirm: true })), confirm: true });
    return { first, confirm: confirms[confirms.length - 1] };
  });
  const byId = new Map<string, ServiceObservation>();
  order.forEach((service, index) => {
    const observation = seen[index];
    if (observation) byId.set(service.id, observation);
  });
  // In config order, whatever order the probes ran in.
  const observations = new Map<string, ServiceObservation>();
  for (const service of services) {
    const observation = byId.get(service.id);
    if (observation) observations.set(service.id, observation);
  }
  return observations;
}

/**
 * The services in the order their probes start: the slowest last check first (a timeout took the whole probe
 * timeout), ties and never-checked services in config order. With more services than `probeConcurrency`, a
 * hanging endpoint then holds its slot from the start of the sweep instead of waiting behind fast ones, so
 * the sweep ends about one timeout after it began (longest-processing-time-first scheduling).
 */
function slowestFirst(state: UptimeState, services: readonly ServiceConfig[]): ServiceConfig[] {
  const expected = (service: ServiceConfig) => {
    const health = recordOf(state, service.id)?.health;
    return health?.lastCheckMs ?? health?.lastResponseMs ?? 0;
  };
  return services
    .map((service, index) => ({ service, index, ms: expected(service) }))
    .sort((a, b) => b.ms - a.ms || a.index - b.index)
    .map((entry) => entry.service);
}

/**
 * One sweep: probe (with confirm) → {@link planSweep} (every decision, pure) → {@link executePlan} (incident
 * I/O and recoveries). Returns the new state; the input is not mutated.
 */
export async function sweep(
  deps: EngineDeps,
  input: UptimeState,
  options: { mode?: Mode; only?: string[] } = {},
): Promise<SweepResult> {
  const now = deps.clock.now();
  const mode = effectiveMode(deps.config, input, options.mode);
  const tuning = resolveTuning(deps.config, mode);
  const services = sweptServices(deps.config, options.only);
  // Pauses are checked against `now` here; planSweep prunes the state once (expired pauses, old history).
  const observations = await probeAndConfirm(deps, input, tuning, services, now);
  const plan = planSweep({
    config: deps.config,
    state: input,
    observations,
    now,
    mode,
    tuning,
    only: options.only,
    runIntervalMs: deps.runIntervalMs,
  });
  return { ...(await executePlan(deps, plan)), configured: Object.keys(deps.config.services) };
}

/**
 * For a write made only for the history (no transition): `fresh` with the swept services' records whose
 * latest check is at least as recent as the stored one's (or that have none yet), so state.json says how a
 * service healthy since its first check is doing (a page rendered from it would say "unknown"). A concurrent
 * writer's newer check wins; incidents, mode and pauses stay as `fresh` has them.
 */
export function withSweptRecords(fresh: UptimeState, result: SweepResult): UptimeState {
  let services: UptimeState['services'] | undefined;
  for (const id of Object.keys(result.services)) {
    const mine = recordOf(result.state, id);
    const theirs = recordOf(fresh, id);
    if (!mine || (theirs && (theirs.health.lastCheckAt ?? 0) > (mine.health.lastCheckAt ?? 0))) continue;
    (services ??= { ...fresh.services })[id] = mergeRecord(theirs, mine);
  }
  return services ? { ...fresh, services } : fresh;
}

/**
 * Re-applies a sweep on a state read again after a write conflict: the swept services' records and
 * incidents come from the sweep; mode, pauses and other services from the fresh state; an `/ack` survives.
 */
export function mergeSweep(fresh: UptimeState, result: SweepResult): UptimeState {
  const services = { ...(result.configured ? forgetUnconfigured(fresh, result.configured) : fresh).services };
  const incidents = { ...fresh.incidents };
  const resolved = new Set(result.events.flatMap((e) => (e.type === 'incident-resolved' ? [e.number] : [])));
  for (const id of Object.keys(result.services)) {
    const record = result.state.services[id];
    if (record) services[id] = mergeRecord(fresh.services[id], record);
    const mine = result.state.incidents[id];
    const theirs = fresh.incidents[id];
    if (mine)
      incidents[id] = {
        ...mine,
        ackedBy: mine.ackedBy ?? (theirs?.number === mine.number ? theirs.ackedBy : undefined),
      };
    else if (theirs && resolved.has(theirs.number)) delete incidents[id];
  }
  const known = new Set(fresh.unmonitored.map((o) => o.start));
  return {
    ...fresh,
    services,
    incidents,
    unmonitored: [...fresh.unmonitored, ...result.state.unmonitored.filter((o) => !known.has(o.start))],
    lastSweepAt: Math.max(fresh.lastSweepAt ?? 0, result.state.lastSweepAt ?? 0),
    updatedAt: Math.max(fresh.updatedAt ?? 0, result.state.updatedAt ?? 0),
  };
}
