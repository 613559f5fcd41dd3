/**
 * The platform-event parsers, one file per platform and one line here: a payload is offered to each in turn.
 */
import { herokuEvents } from './heroku.js';
import { railwayEvents } from './railway.js';
import { renderEvents } from './render.js';
import type { PlatformEvent } from './types.js';

export const EVENT_PARSERS = [railwayEvents, renderEvents, herokuEvents] as const;

/** The event a payload is, or undefined when no platform recognises it. */
export function parsePlatformEvent(body: unknown): PlatformEvent | undefined {
  for (const parser of EVENT_PARSERS) {
    const event = parser.parse(body);
    if (event) return event;
  }
  return undefined;
}

export { servicesFor, type PlatformEvent } from './types.js';
