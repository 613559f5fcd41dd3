import type { Config, ServiceConfig } from '../../src/config/schema.js';
import { emptyRecord, emptyState } from '../../src/state/records.js';
import type { ServiceRecord, UptimeState } from '../../src/state/types.js';

export const NOW = Date.UTC(2026, 0, 10, 12, 0, 0);
export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

function service(id: string, name: string): ServiceConfig {
  return {
    id,
    name,
    url: `https://${id}.example.test/health`,
    method: 'GET',
    headers: {},
    expect: { status: [[200, 299]] },
    timeout: 10_000,
  };
}

export function config(overrides: Partial<Config> = {}): Config {
  return {
    source: 'test',
    mode: 'extreme',
    tuning: {},
    probeConcurrency: 10,
    slo: 99.9,
    assignees: [],
    permissions: {} as Config['permissions'],
    incidentOnDegraded: false,
    services: {
      backend: service('backend', 'Backend Node.js'),
      coqui: service('coqui', 'Coqui Voice Service'),
    },
    ...overrides,
  };
}

export function record(
  overrides: Partial<ServiceRecord> = {},
  health: Partial<ServiceRecord['health']> = {},
): ServiceRecord {
  const base = emptyRecord(NOW - DAY);
  return { ...base, ...overrides, health: { ...base.health, ...health } };
}

export function state(
  services: Record<string, ServiceRecord>,
  extra: Partial<UptimeState> = {},
): UptimeState {
  return { ...emptyState(), services, ...extra };
}
