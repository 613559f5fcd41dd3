import type { Config } from '../config/schema.js';
import type { IncidentLog } from '../incidents/types.js';
import type { IncidentRef } from '../state/types.js';
import type { IncidentAction } from './types.js';
import type { EngineEvent } from '../outcome/types.js';

/** What carrying out one incident action did. */
export interface IncidentEffect {
  /** The service's open incident after the action; `null` = closed; undefined = unchanged. */
  ref?: IncidentRef | null;
  event?: EngineEvent;
  /** What was written, in words ("opened incident #3 for API"). */
  write?: string;
}

/**
 * Carries out the incident actions of a plan against the incident log. It decides nothing: the plan says what
 * to open, comment and resolve; this only does the I/O and reports what changed. A failing log call becomes an
 * `error` event, never a failed sweep.
 */
export class IncidentWriter {
  constructor(
    private readonly log: IncidentLog,
    private readonly config: Config,
  ) {}

  /** Carries out one action given the service's open incident (if any). */
  async execute(action: IncidentAction, open: IncidentRef | undefined): Promise<IncidentEffect> {
    const service = Object.hasOwn(this.config.services, action.service)
      ? this.config.services[action.service]
      : undefined;
    if (!service) return {};
    const name = service.name;
    try {
      switch (action.type) {
        case 'open': {
          // The plan opens one only when none is (src/engine/incident-rule.ts); never a second issue.
          if (open) return {};
          const ref = await this.log.open(service, action.kind, action.body, action.at);
          return {
            ref,
            event: { type: 'incident-opened', service: service.id, number: ref.number, url: ref.url },
            write: `opened incident #${ref.number} for ${name}`,
          };
        }
        case 'comment':
          if (!open) return {};
          await this.log.comment(service, open, action.body);
          return { write: `commented on incident #${open.number} (${name})` };
        case 'resolve':
          if (!open) return {};
          await this.log.resolve(service, open, action.body);
          return {
            ref: null,
            event: {
              type: 'incident-resolved',
              service: service.id,
              number: open.number,
              durationMs: action.durationMs,
            },
            write: `resolved incident #${open.number} (${name})`,
          };
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const what = action.type === 'comment' ? 'comment on' : action.type;
      return {
        event: {
          type: 'error',
          service: service.id,
          message: `Service "${service.id}": could not ${what} the incident: ${message}`,
        },
      };
    }
  }
}
