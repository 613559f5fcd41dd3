import { describe, expect, test } from '@jest/globals';
import { adoptIncidents } from '../../src/run/adopt-incidents.js';
import { emptyRecord, emptyState } from '../../src/state/records.js';
import type { IncidentRef, UptimeState } from '../../src/state/types.js';

const OPENED = Date.UTC(2026, 11, 4, 9);
const ref = (number: number, kind: IncidentRef['kind'] = 'down'): IncidentRef => ({
  number,
  openedAt: OPENED,
  kind,
});

describe('open incidents the state does not know (their run could not write it)', () => {
  test('are taken in with the status they were opened for, so the next healthy check resolves them', () => {
    const state: UptimeState = {
      ...emptyState(),
      services: {
        api: { ...emptyRecord(OPENED - 60_000), health: { ...emptyRecord(0).health, status: 'up' } },
      },
    };
    const adopted = adoptIncidents(state, { api: ref(7), tts: ref(8, 'degraded') });
    expect(adopted.incidents).toEqual({ api: ref(7), tts: ref(8, 'degraded') });
    expect(adopted.services.api.health).toMatchObject({ status: 'down', since: OPENED });
    expect(adopted.services.tts.health).toMatchObject({ status: 'degraded', since: OPENED });
    expect(adopted.services.tts.checks.total).toBe(0);
  });

  test('leave a state that records its incidents, or a service it saw failing, as it is', () => {
    const down = {
      ...emptyRecord(0),
      health: { ...emptyRecord(0).health, status: 'down' as const, since: 5 },
    };
    const state: UptimeState = { ...emptyState(), services: { api: down }, incidents: { api: ref(3) } };
    expect(adoptIncidents(state, { api: ref(3) })).toBe(state);
    // A different open issue than the recorded one: the state's own stays (the issue log closes duplicates).
    expect(adoptIncidents(state, { api: ref(9) })).toBe(state);
    // An issue whose creation time is not a time (a hostile or broken API answer) is not taken in.
    expect(adoptIncidents(emptyState(), { api: { ...ref(9), openedAt: Number.NaN } }).incidents).toEqual({});
    const failing: UptimeState = { ...emptyState(), services: { api: down } };
    const adopted = adoptIncidents(failing, { api: ref(9) });
    expect(adopted.incidents.api.number).toBe(9);
    expect(adopted.services.api).toBe(down);
  });
});
