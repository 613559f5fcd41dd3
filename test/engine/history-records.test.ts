import { describe, expect, it } from '@jest/globals';
import { withSweptRecords } from '../../src/engine/sweep.js';
import { emptyRecord, emptyState } from '../../src/state/records.js';
import type { ServiceRecord, UptimeState } from '../../src/state/types.js';
import type { SweepResult } from '../../src/outcome/types.js';

/** A write made only for the hourly history: which service records it carries (issue 14, the Pages page). */

const T = Date.UTC(2026, 10, 30, 9);
const record = (status: 'up' | 'down', lastCheckAt: number): ServiceRecord => ({
  ...emptyRecord(T),
  health: { ...emptyRecord(T).health, status, since: T, lastCheckAt },
  firstCheckAt: T,
});
const swept = (state: UptimeState): SweepResult =>
  ({ state, services: Object.fromEntries(Object.keys(state.services).map((id) => [id, {}])) }) as never;

describe('withSweptRecords', () => {
  it("adds the record of a service healthy since its first check (the page would say 'unknown')", () => {
    const mine = { ...emptyState(), services: { api: record('up', T + 60_000) } };
    const fresh = { ...emptyState(), mode: 'extreme' as const };
    const next = withSweptRecords(fresh, swept(mine));
    expect(next.services.api.health.status).toBe('up');
    expect(next.mode).toBe('extreme');
  });

  it("keeps a concurrent writer's newer check (down) over this sweep's older one (up), with its incident", () => {
    const mine = { ...emptyState(), services: { api: record('up', T + 60_000) } };
    const fresh: UptimeState = {
      ...emptyState(),
      services: { api: record('down', T + 120_000) },
      incidents: { api: { number: 4, openedAt: T + 120_000, kind: 'down' } },
    };
    const next = withSweptRecords(fresh, swept(mine));
    expect(next).toBe(fresh);
    expect(next.services.api.health.status).toBe('down');
  });

  it("refreshes an older stored record and keeps the other writer's recovery attempts", () => {
    const attempt = {
      id: 'a1',
      action: 'restart' as const,
      trigger: 'command' as const,
      at: T,
      durationMs: 1000,
      ok: true,
      healthy: true,
      detail: 'restarted',
    };
    const fresh = {
      ...emptyState(),
      services: { api: { ...record('up', T), attempts: [attempt] as never } },
    };
    const mine = { ...emptyState(), services: { api: record('up', T + 3_600_000) } };
    const next = withSweptRecords(fresh, swept(mine));
    expect(next.services.api.health.lastCheckAt).toBe(T + 3_600_000);
    expect(next.services.api.attempts).toHaveLength(1);
  });
});
