/**
 * Render webhooks (https://render.com/docs/webhooks): `{ type: "server_failed", timestamp, data: { id,
 * serviceId, serviceName, status? } }`. Failures and ended deploys or runs alarm (an ended deploy may have failed).
 */
import { word as str, type EventParser } from './types.js';

const ALARMING = new Set([
  'server_failed',
  'server_hardware_failure',
  'deploy_ended',
  'image_pull_failed',
  'pre_deploy_ended',
  'service_suspended',
  'zero_downtime_redeploy_ended',
]);

export const renderEvents: EventParser = {
  platform: 'render',
  parse(body) {
    const type = str(body, 'type');
    const service = str(body, 'data', 'serviceId');
    if (!type || !service || !/^[a-z_]+$/.test(type)) return undefined;
    const status = str(body, 'data', 'status');
    const alarming = ALARMING.has(type) && status !== 'succeeded' && status !== 'canceled';
    return {
      platform: 'render',
      type,
      resources: [service],
      deployment: str(body, 'data', 'deployId'),
      alarming,
    };
  },
};
