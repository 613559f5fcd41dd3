import type { Config, ServiceConfig } from '../config/schema.js';
import type { ServiceRecord, UptimeState } from '../state/types.js';

/**
 * Dependencies between services (`dependsOn`, docs/recovery.md), pure. While a service a dependent needs is
 * failing, the dependent's failures are recorded against it, its recovery waits for the dependency's, and
 * the dependency's incident covers the cascade. A dependent still down once the dependency is back (after a
 * short grace to reconnect) gets its own incident and its own ladder.
 */

export { dependencyCycle } from '../config/recovery-keys.js';

const recordIn = (state: UptimeState, id: string): ServiceRecord | undefined =>
  Object.hasOwn(state.services, id) ? state.services[id] : undefined;

/** Failing: confirmed down or degraded, or its latest check failed. */
export function isFailing(record: ServiceRecord | undefined): boolean {
  if (!record) return false;
  const status = record.health.status;
  return status === 'down' || status === 'degraded' || record.health.consecutiveFailures > 0;
}

const pausedIn = (state: UptimeState, id: string, now: number) => {
  const pause = Object.hasOwn(state.pauses, id) ? state.pauses[id] : undefined;
  return pause !== undefined && (pause.until === undefined || pause.until > now);
};

/**
 * The failing dependency a service's failures belong to: the deepest failing one along `dependsOn` (db for
 * api → cache → db when both cache and db fail), so one incident holds the whole cascade. Paused
 * dependencies don't count (their maintenance is not an outage).
 */
export function failingDependency(
  config: Config,
  state: UptimeState,
  id: string,
  now: number,
): string | undefined {
  let root: string | undefined;
  const seen = new Set<string>([id]);
  let frontier = [id];
  while (frontier.length) {
    const next: string[] = [];
    for (const current of frontier) {
      const deps = Object.hasOwn(config.services, current) ? (config.services[current].dependsOn ?? []) : [];
      for (const dep of deps) {
        if (seen.has(dep)) continue;
        seen.add(dep);
        next.push(dep);
        if (isFailing(recordIn(state, dep)) && !pausedIn(state, dep, now)) root = dep;
      }
    }
    frontier = next;
  }
  return root;
}

/** A dependency that came back less than this long ago still holds its dependents (they reconnect). */
export function reconnectGraceMs(healthCheckInterval: number): number {
  return Math.max(2 * healthCheckInterval, 10_000);
}

/** The dependency that recovered within the grace, when one did (the dependent gets a moment to reconnect). */
export function recentlyRecovered(
  config: Config,
  state: UptimeState,
  service: ServiceConfig,
  now: number,
  graceMs: number,
) {
  for (const dep of service.dependsOn ?? []) {
    const record = recordIn(state, dep);
    if (record && !isFailing(record) && now - record.health.since < graceMs) return dep;
  }
  return undefined;
}
