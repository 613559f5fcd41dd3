import type { Tuning } from '../config/presets.js';
import { observe } from '../monitor/machine.js';
import type { ProbeResult } from '../probe/types.js';
import { initialHealth } from '../state/records.js';
import { outcomeStatus } from './plan.js';
import type { ServiceOutcome } from '../outcome/types.js';

/**
 * What one probe alone says of a service, in a sweep's words (`uptime-action check`): the probe is observed as
 * the deciding check of a service with no history (no confirm round to wait for), so a failure is `down` only
 * where the mode calls one failure down (`extreme`), else `degraded` and failing (see {@link isFailing}); a
 * probe the monitor could not make leaves the service unchecked, its status unknown.
 */
export function probeOutcome(
  service: { id: string; name: string },
  probe: ProbeResult,
  tuning: Tuning,
): ServiceOutcome {
  const base = { service: service.id, name: service.name, planned: [], attempts: [], recovered: false };
  const error = probe.ok ? undefined : (probe.error ?? probe.kind);
  const fresh = initialHealth(probe.at);
  if (probe.local) return { ...base, status: fresh.status, error, unchecked: true };
  const { health } = observe(fresh, { ...probe, confirm: true }, tuning);
  return {
    ...base,
    status: outcomeStatus(health, probe),
    responseMs: probe.ok ? probe.responseMs : undefined,
    error,
  };
}
