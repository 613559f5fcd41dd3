/**
 * Heroku app webhooks (https://devcenter.heroku.com/articles/app-webhooks): `{ resource: "dyno", action:
 * "update", data: { app: { id, name }, name: "web.1", state: "crashed", ... } }`; `api:release` events carry
 * `data.status` (`failed`, `succeeded`). A crashed dyno or a failed release alarms.
 */
import { word as str, type EventParser } from './types.js';

export const herokuEvents: EventParser = {
  platform: 'heroku',
  parse(body) {
    const resource = str(body, 'resource');
    const action = str(body, 'action');
    const name = str(body, 'data', 'app', 'name');
    const id = str(body, 'data', 'app', 'id');
    if (!resource || !action || (!name && !id)) return undefined;
    const state = str(body, 'data', 'state') ?? str(body, 'data', 'status');
    const alarming =
      (resource === 'dyno' && (state === 'crashed' || state === 'down')) ||
      (resource === 'release' && state === 'failed');
    return {
      platform: 'heroku',
      type: `${resource} ${state ?? action}`,
      resources: [name, id].filter((v): v is string => v !== undefined),
      deployment: resource === 'release' ? str(body, 'data', 'id') : undefined,
      alarming,
    };
  },
};
