import type { ServiceConfig } from '../config/schema.js';
import type { HealthStatus, ServiceHealth } from '../monitor/types.js';
import type { ProbeResult } from '../probe/types.js';
import type { RecoveryAttempt, UptimeState } from '../state/types.js';
import { attemptComment, escalationComment, openedBody, resolvedComment, statusComment } from './timeline.js';
import type { EngineDeps, EngineEvent } from './types.js';

/**
 * Keeps the incident log in step with a sweep: opens one incident per service when it goes down (or
 * degraded, with `incidentOnDegraded`, or when something is done about it), adds the timeline, resolves
 * it when the service is healthy again. A failing log call is reported as an event, never fails the sweep.
 */
export class IncidentWriter {
  changed = false;

  constructor(
    private readonly deps: EngineDeps,
    private readonly state: UptimeState,
    private readonly emit: (event: EngineEvent) => void,
  ) {}

  private get log() {
    return this.deps.dryRun ? undefined : this.deps.incidents;
  }

  private async guard(service: ServiceConfig, what: string, fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.emit({
        type: 'error',
        service: service.id,
        message: `Service "${service.id}": could not ${what} the incident: ${message}`,
      });
    }
  }

  async afterCheck(
    service: ServiceConfig,
    health: ServiceHealth,
    probe: ProbeResult,
    transition?: { from: HealthStatus; to: HealthStatus; reason: string },
  ): Promise<void> {
    if (!transition) return;
    const open = this.state.incidents[service.id];
    const wanted =
      transition.to === 'down' || (transition.to === 'degraded' && this.deps.config.incidentOnDegraded);
    if (!open && wanted) return this.ensureOpen(service, health, probe, transition.reason);
    if (!open) return;
    if (transition.to === 'up' || transition.to === 'slow') return this.resolve(service, probe.at);
    const log = this.log;
    if (log) {
      await this.guard(service, 'comment on', () =>
        log.comment(
          service,
          open,
          statusComment(service, transition.from, transition.to, transition.reason, probe.at),
        ),
      );
    }
  }

  /** Opens the service's incident unless one is open. */
  async ensureOpen(
    service: ServiceConfig,
    health: ServiceHealth,
    probe: ProbeResult | undefined,
    reason: string,
    at = probe?.at ?? this.deps.clock.now(),
  ): Promise<void> {
    const log = this.log;
    if (!log || this.state.incidents[service.id]) return;
    const kind = health.status === 'down' ? 'down' : 'degraded';
    await this.guard(service, 'open', async () => {
      const ref = await log.open(service, kind, openedBody(service, kind, probe, reason, at), at);
      this.state.incidents[service.id] = ref;
      this.changed = true;
      this.emit({ type: 'incident-opened', service: service.id, number: ref.number, url: ref.url });
    });
  }

  async attempt(service: ServiceConfig, attempt: RecoveryAttempt, health: ServiceHealth): Promise<void> {
    const log = this.log;
    if (!log) return;
    await this.ensureOpen(
      service,
      health,
      undefined,
      attempt.trigger === 'predictive' ? 'degradation trend' : (health.lastError ?? 'failed checks'),
      attempt.at,
    );
    const ref = this.state.incidents[service.id];
    if (ref)
      await this.guard(service, 'comment on', () =>
        log.comment(service, ref, attemptComment(service, attempt)),
      );
  }

  async escalate(service: ServiceConfig, reason: string, health: ServiceHealth): Promise<void> {
    const log = this.log;
    if (!log) return;
    await this.ensureOpen(service, health, undefined, reason);
    const ref = this.state.incidents[service.id];
    if (ref) {
      const body = escalationComment(service, reason, this.deps.config.assignees, ref.ackedBy);
      await this.guard(service, 'comment on', () => log.comment(service, ref, body));
    }
  }

  async resolve(service: ServiceConfig, at: number): Promise<void> {
    const log = this.log;
    const ref = this.state.incidents[service.id];
    if (!log || !ref) return;
    const durationMs = at - ref.openedAt;
    await this.guard(service, 'resolve', async () => {
      await log.resolve(service, ref, resolvedComment(service, durationMs, at));
      delete this.state.incidents[service.id];
      this.changed = true;
      this.emit({ type: 'incident-resolved', service: service.id, number: ref.number, durationMs });
    });
  }
}
