/**
 * A platform's event (a Railway project webhook, a Render or Heroku webhook) in one shape. An event never acts
 * by itself: it only makes the affected services' next check happen now, so a forged one costs a probe.
 */
import { field, ownField } from '../util/fields.js';
import type { ServiceConfig } from '../config/schema.js';

export interface PlatformEvent {
  /** The provider whose services it is about (a service's `recovery.provider`). */
  platform: 'railway' | 'render' | 'heroku';
  /** The platform's event name, e.g. `Deployment.crashed`, `server_failed`, `dyno crashed`. */
  type: string;
  /** The platform's id of the service: Railway's and Render's service id, Heroku's app name or id. */
  resources: string[];
  /** The deployment it is about, when the payload says (for the incident's forensics). */
  deployment?: string;
  /** Whether it says something may be wrong (a crash, a failed deploy) rather than routine news. */
  alarming: boolean;
}

/** One platform's parser: undefined when the payload is not this platform's. */
export interface EventParser {
  readonly platform: PlatformEvent['platform'];
  parse(body: unknown): PlatformEvent | undefined;
}

/** The services an event is about: those recovered through that platform with that id. */
export function servicesFor(services: readonly ServiceConfig[], event: PlatformEvent): string[] {
  return services
    .filter((s) => {
      if (s.recovery?.provider !== event.platform) return false;
      // Railway and Render name the service by `serviceId`, Heroku by `app`.
      const id = field(s.recovery, 'serviceId') ?? field(s.recovery, 'app');
      return typeof id === 'string' && event.resources.includes(id);
    })
    .map((s) => s.id);
}

/** An identifier-like string field (ids, event names: letters, digits, `._:-`, at most 100), else undefined. */
export function word(value: unknown, ...path: string[]): string | undefined {
  const text = str(value, ...path);
  return text !== undefined && /^[A-Za-z0-9_.:-]{1,100}$/.test(text) ? text : undefined;
}

/** A string field of an object, else undefined. */
export function str(value: unknown, ...path: string[]): string | undefined {
  let at: unknown = value;
  for (const key of path) {
    if (at === null || typeof at !== 'object' || !Object.hasOwn(at, key)) return undefined;
    at = ownField(at, key);
  }
  return typeof at === 'string' && at.length > 0 && at.length <= 200 ? at : undefined;
}
