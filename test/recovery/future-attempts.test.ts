import { describe, expect, it } from '@jest/globals';
import { PRESET_TUNING } from '../../src/config/presets.js';
import { parseConfig } from '../../src/config/load.js';
import { budgetFor, MAX_CLOCK_SKEW_MS, nextAction } from '../../src/recovery/planner.js';
import { emptyRecord } from '../../src/state/records.js';
import type { RecoveryAttempt, ServiceRecord } from '../../src/state/types.js';

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 4, 12);
const tuning = {
  ...PRESET_TUNING.balanced,
  restartAttemptDelay: 10_000,
  restartBudget: 2,
  restartWindow: 3_600_000,
};
const api = parseConfig(
  {
    services: {
      api: { url: 'http://127.0.0.1:1/health', recovery: { provider: 'command', restart: 'true' } },
    },
  },
  'test',
).services.api;
const attempt = (at: number): RecoveryAttempt => ({
  action: 'restart',
  trigger: 'down',
  at,
  durationMs: 1000,
  providerOk: true,
  healthy: false,
  detail: '',
});
const down = (attempts: RecoveryAttempt[]): ServiceRecord => {
  const r = emptyRecord(0);
  return { ...r, attempts, health: { ...r.health, status: 'down', lastError: 'HTTP 503' } };
};

describe('attempts dated in the future', () => {
  it('400 days ahead (a hand-edited state, a broken clock) do not block the restart of a down service', () => {
    const record = down([attempt(NOW + 400 * DAY), attempt(NOW + 400 * DAY + 1)]);
    expect(budgetFor(record, tuning, NOW)).toMatchObject({ used: 0, exhausted: false, nextAllowedAt: NOW });
    expect(nextAction({ service: api, record, tuning, now: NOW, paused: false })).toMatchObject({
      kind: 'act',
      item: { action: 'restart' },
    });
  });

  it("a few minutes ahead (another runner's clock) still count, as made now", () => {
    const record = down([attempt(NOW + 5 * 60_000), attempt(NOW + MAX_CLOCK_SKEW_MS)]);
    const budget = budgetFor(record, tuning, NOW);
    expect(budget.used).toBe(2);
    expect(budget.exhausted).toBe(true);
    expect(budget.nextAllowedAt).toBe(NOW + tuning.restartWindow);
  });
});
