import type { ServiceOutcome } from '../outcome/types.js';

/**
 * The one definition of what a sweep's outcome means, used by every face: the Action's `status` output and
 * `report`, `uptime-action sweep` (text and `--json`, and its exit code) and the hosted watch's log.
 * See docs/architecture.md ("Statuses").
 */

/** The overall status of a run: the Action's `status` output, `sweep --json`'s `status`. */
export type OverallStatus = 'up' | 'degraded' | 'down';

/**
 * The latest check failed although the mode's rules do not call the service down (yet): a first 503 in
 * normal mode. Such a service is reported `degraded` with `failing: true`, never `up`. A service the monitor
 * could not probe (its own EMFILE) and a paused one are not failing.
 */
export function isFailing(outcome: ServiceOutcome): boolean {
  return (
    outcome.status !== 'paused' &&
    outcome.status !== 'down' &&
    outcome.error !== undefined &&
    outcome.unchecked !== true
  );
}

/**
 * `down` when a service is down at the end of the run; `degraded` when one is degraded, slow, failing (see
 * {@link isFailing}) or could not be checked, unless it was not checked by design (`byDesign(service)`: a
 * heartbeat where no pings arrive, src/monitors/registry.ts `needsPings`, which says nothing about it); else
 * `up`.
 */
export function overallStatus(
  outcomes: Iterable<ServiceOutcome>,
  byDesign: (service: string) => boolean = () => false,
): OverallStatus {
  let status: OverallStatus = 'up';
  for (const o of outcomes) {
    if (o.status === 'down') return 'down';
    if (o.unchecked && byDesign(o.service)) continue;
    if (o.status === 'degraded' || o.status === 'slow' || o.unchecked || isFailing(o)) status = 'degraded';
  }
  return status;
}

/** The word a person reads for one service: `failing` and `not checked` name what the status alone hides. */
export function statusLabel(outcome: ServiceOutcome): string {
  return reportedLabel({ status: outcome.status, failing: isFailing(outcome), unchecked: outcome.unchecked });
}

/** {@link statusLabel} of a service as a report carries it (`status` with `failing` and `unchecked` flags). */
export function reportedLabel(service: { status: string; failing?: boolean; unchecked?: boolean }): string {
  if (service.unchecked) return 'not checked';
  return service.failing ? 'failing' : service.status;
}
