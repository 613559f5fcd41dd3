/**
 * Railway project webhooks (https://docs.railway.com/observability/webhooks): `{ type: "Deployment.crashed",
 * details: { id, status, ... }, resource: { project, environment, service: { id, name }, deployment: { id } },
 * severity, timestamp }`. Every deployment status change is posted; crashed, failed and removed ones alarm.
 */
import { word as str, type EventParser } from './types.js';

const ALARMING = /^Deployment\.(crashed|failed|removed|oom_?killed|slept)$/i;

export const railwayEvents: EventParser = {
  platform: 'railway',
  parse(body) {
    const type = str(body, 'type');
    const service = str(body, 'resource', 'service', 'id');
    if (!type || !service || !/^[A-Za-z]+\.[A-Za-z_]+$/.test(type)) return undefined;
    const deployment = str(body, 'resource', 'deployment', 'id') ?? str(body, 'details', 'id');
    return { platform: 'railway', type, resources: [service], deployment, alarming: ALARMING.test(type) };
  },
};
