import { describe, expect, it } from '@jest/globals';
import { parseStateData } from '../../src/state/schema.js';

/** `history` and `notified` are parsed by the state's one schema: a malformed part is reset with a warning. */
describe('history and notified in the stored state', () => {
  const bucket = { t: 0, ok: 1, total: 1, p50: 50, p95: 50, max: 50 };
  const valid = {
    version: 1,
    services: {},
    history: { services: { api: { hourly: [bucket], daily: [bucket] } }, incidents: [] },
    notified: ['api:down:#1'],
  };

  it('keeps a valid history and the notified ids', () => {
    const { state, problems } = parseStateData(valid);
    expect(problems).toEqual([]);
    expect(state.history?.services.api.hourly).toEqual([bucket]);
    expect(state.notified).toEqual(['api:down:#1']);
  });

  it('drops a malformed service history and names it; the others stay', () => {
    const { state, problems } = parseStateData({
      ...valid,
      history: {
        services: { api: valid.history.services.api, web: { hourly: 'x' } },
        incidents: [{ no: 1 }],
      },
    });
    expect(state.history?.services).toEqual({ api: valid.history.services.api });
    expect(problems.join('\n')).toMatch(/history\.services\.web dropped/);
    expect(problems.join('\n')).toMatch(/history\.incidents: 1 malformed entries dropped/);
  });

  it('resets a history or notified of the wrong type with a warning, never throws', () => {
    const { state, problems } = parseStateData({ ...valid, history: 42, notified: { __proto__: 1 } });
    expect(state.history).toBeUndefined();
    expect(state.notified).toEqual([]);
    expect(problems).toEqual([
      'state: history reset (expected object, got number)',
      'state: notified reset (expected array, got object)',
    ]);
  });

  it('a prototype name in history.services never reaches Object.prototype', () => {
    const raw = JSON.parse(
      '{"version":1,"services":{},"history":{"services":{"__proto__":{"hourly":[],"daily":[]}},"incidents":[]}}',
    );
    const { state } = parseStateData(raw);
    expect(Object.keys(state.history?.services ?? {})).toEqual([]);
    expect(({} as Record<string, unknown>).hourly).toBeUndefined();
  });
});
