import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/load.js';
import type { RawConfigInput } from '../../src/config/schema.js';
import { sweep } from '../../src/engine/sweep.js';
import { notificationEvents } from '../../src/notify/events.js';
import {
  addToSeries,
  burnPolicy,
  errorRatio,
  evaluateBurn,
  DEFAULT_BURN_POLICY,
  burnView,
  formatBurn,
} from '../../src/slo/burn.js';
import { emptyRecord, emptyState } from '../../src/state/records.js';
import type { UptimeState } from '../../src/state/types.js';
import { makeWorld } from '../helpers/world.js';
import { renderStatusMarkdown } from '../../src/report/markdown.js';
import { renderStatusText } from '../../src/report/text.js';
import { siteModel } from '../../src/site/model.js';
import { renderIndexHtml } from '../../src/site/html.js';

const T0 = Date.UTC(2026, 0, 1);
const MIN = 60_000;
const raw: RawConfigInput = {
  mode: 'extreme',
  services: { api: { url: 'http://127.0.0.1:1/h', recovery: { provider: 'command', restart: 'true' } } },
};

describe('burn-rate alerts in the watch loop', () => {
  it('a service failing one check in five (never down) notifies a fast burn once, with the budget left', async () => {
    const w = makeWorld(raw, {});
    let state: UptimeState = emptyState();
    const burns: string[] = [];
    const sent: string[] = [];
    // Two hours at 5 s; every fifth first probe fails (the confirm passes: never down, never restarted).
    for (let i = 0; i < 1440; i++) {
      if (i % 5 === 0) w.world.api.flakyNext = 1;
      const result = await sweep(w.deps, state);
      state = result.state;
      for (const e of result.events) if (e.type === 'burn') burns.push(`${e.kind}: ${e.reason}`);
      for (const n of notificationEvents(result.events, state, w.config)) sent.push(n.id);
      w.clock.advance(5000);
    }
    expect(w.calls).toEqual([]);
    expect(burns).toHaveLength(1);
    expect(burns[0]).toMatch(
      /^fast: api: fast burn of the error budget: 20\d× over 1h \(confirmed 19\d× over 5m; alert at 14\.4×\); (8\d|9\d)(\.\d)?% of the 30-day error budget left$/,
    );
    expect(sent.filter((id) => id.startsWith('api:burn:'))).toHaveLength(1);
    // Shown on the summary, /status and the status page.
    const now = w.clock.now();
    expect(renderStatusMarkdown(w.config, state, { now })).toMatch(
      /🔥 \*\*Burning the error budget\*\*: `api` fast burn \d+(\.\d)?× · \d+(\.\d)?% of the 30-day error budget left/,
    );
    expect(renderStatusText(w.config, state, { now })).toMatch(/Burn rate.*fast burn/);
    const model = siteModel(w.config, state, { now });
    expect(model.services[0].errorBudget).toMatchObject({ burning: 'fast' });
    expect(renderIndexHtml(model)).toMatch(/<dt>Error budget \(30 d\)<\/dt><dd data-burn="fast">fast burn/);
    // It fired once half the hour was covered by checks (before that, unknown counts as good).
    expect(state.services.api.burnAlerts?.fast).toBe(T0 + 29 * MIN);
    expect(formatBurn(burnView(state.services.api, w.config, w.config.services.api, w.clock.now())!)).toMatch(
      /^fast burn \d+(\.\d)?×.* · \d+(\.\d)?% of the 30-day error budget left$/,
    );
  });

  it('re-arms once the burn is over and alerts again for a new episode', async () => {
    const w = makeWorld(raw, {});
    let state: UptimeState = emptyState();
    let burns = 0;
    let slow = 0;
    const phase = async (sweeps: number, failing: boolean) => {
      for (let i = 0; i < sweeps; i++) {
        if (failing && i % 5 === 0) w.world.api.flakyNext = 1;
        const result = await sweep(w.deps, state);
        state = result.state;
        burns += result.events.filter((e) => e.type === 'burn' && e.kind === 'fast').length;
        slow += result.events.filter((e) => e.type === 'burn' && e.kind === 'slow').length;
        w.clock.advance(5000);
      }
    };
    await phase(720, true);
    expect(burns).toBe(1);
    await phase(1440, false);
    expect(state.services.api.burnAlerts?.fast).toBeUndefined();
    await phase(720, true);
    expect(burns).toBe(2);
    // The six-hour window sees the new episode too (a ticket beside the page): at most once.
    expect(slow).toBeLessThanOrEqual(1);
  });

  it('an outage people were told about is not told again as a burn', async () => {
    const w = makeWorld(raw, { api: { restartFixes: false, redeployFixes: false } });
    let state: UptimeState = emptyState();
    let burns = 0;
    for (let i = 0; i < 720; i++) {
      if (i === 360) w.world.api.up = false;
      const result = await sweep(w.deps, state);
      state = result.state;
      burns += result.events.filter((e) => e.type === 'burn').length;
      w.clock.advance(5000);
    }
    expect(state.services.api.health.status).toBe('down');
    expect(burns).toBe(0);
    expect(state.services.api.burnAlerts?.fast).toBeDefined();
  });

  it('tunable per service, and off', () => {
    const config = parseConfig(
      {
        burnRate: { fast: { factor: 10 } },
        services: {
          a: { url: 'https://a.example/h', burnRate: { fast: { long: '30m', short: '2m' } } },
          b: { url: 'https://b.example/h', burnRate: { enabled: false } },
        },
      },
      't',
    );
    expect(burnPolicy(config, config.services.a).fast).toEqual({
      factor: 10,
      longMs: 30 * MIN,
      shortMs: 2 * MIN,
    });
    expect(burnPolicy(config, config.services.a).slow).toEqual(DEFAULT_BURN_POLICY.slow);
    expect(burnPolicy(config, config.services.b).enabled).toBe(false);
  });
});

describe('error ratio (pure)', () => {
  it('a scheduled run that saved only its failed checks is not read as burning: sparse series count nothing', () => {
    let series: Array<[number, number, number]> = [];
    for (let m = 0; m < 60; m += 10) series = addToSeries(series, T0 + m * MIN, false, 6 * 3_600_000);
    const record = { ...emptyRecord(T0), firstCheckAt: T0, checkSeries: series };
    expect(errorRatio(record, 3_600_000, T0 + 60 * MIN)).toBe(0);
  });

  it('downtime counts in every mode, over the whole window', () => {
    const record = {
      ...emptyRecord(T0),
      firstCheckAt: T0,
      outages: [{ start: T0 + 50 * MIN, end: T0 + 56 * MIN }],
    };
    expect(errorRatio(record, 3_600_000, T0 + 60 * MIN)).toBeCloseTo(0.1, 10);
    const status = evaluateBurn(record, DEFAULT_BURN_POLICY, 99.9, T0 + 60 * MIN);
    expect(status.fast.long).toBeCloseTo(100, 6);
    expect(status.budgetLeftPercent).toBeCloseTo(100 * (1 - 6 / 43.2), 6);
  });

  it('the series stays bounded: minutes fold into 10-minute buckets after an hour, and drop after the window', () => {
    let series: Array<[number, number, number]> = [];
    for (let s = 0; s < 7 * 3600; s += 5) series = addToSeries(series, T0 + s * 1000, true, 6 * 3_600_000);
    expect(series.length).toBeLessThanOrEqual(60 + 36 + 2);
    expect(series.reduce((n, b) => n + b[2], 0)).toBeGreaterThanOrEqual(6 * 720);
  });
});
