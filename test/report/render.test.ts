import { describe, expect, it } from '@jest/globals';
import {
  buildStatusHeader,
  buildStatusRows,
  renderStatusMarkdown,
  renderStatusText,
} from '../../src/report/index.js';
import { DAY, HOUR, MIN, NOW, config, record, state } from './fixtures.js';

const healthyBackend = record(
  {
    checks: { ok: 1999, total: 2000, slow: 3, responseMsTotal: 1999 * 110 },
    repairs: 2,
    predictiveRestarts: 1,
    monitoredMs: DAY,
    firstCheckAt: NOW - DAY,
    attempts: [
      {
        action: 'restart',
        trigger: 'down',
        at: NOW - DAY,
        durationMs: 5000,
        providerOk: false,
        healthy: false,
        detail: 'Not Authorized',
      },
      {
        action: 'restart',
        trigger: 'predictive',
        at: NOW - 2 * HOUR,
        durationMs: 32_000,
        providerOk: true,
        healthy: true,
        detail: 'ok',
      },
    ],
  },
  { status: 'up', lastResponseMs: 120, since: NOW - 2 * HOUR, lastCheckAt: NOW - 5000 },
);
const downCoqui = record(
  {
    checks: { ok: 10, total: 12, slow: 0, responseMsTotal: 500 },
    monitoredMs: HOUR,
    firstCheckAt: NOW - HOUR,
    outages: [{ start: NOW - 2 * MIN }],
  },
  { status: 'down', since: NOW - 2 * MIN, lastError: 'HTTP 503', lastCheckAt: NOW - 5000 },
);

describe('buildStatusRows', () => {
  it('gives plain numbers per configured service, in config order', () => {
    const rows = buildStatusRows(config(), state({ coqui: downCoqui, backend: healthyBackend }), NOW);
    expect(rows.map((r) => r.id)).toEqual(['backend', 'coqui']);
    expect(rows[0]).toMatchObject({
      name: 'Backend Node.js',
      status: 'up',
      checksOk: 1999,
      checksTotal: 2000,
      lastResponseMs: 120,
      averageResponseMs: 110,
      repairs: 2,
      predictiveRestarts: 1,
      lastRepair: {
        action: 'restart',
        trigger: 'predictive',
        agoMs: 2 * HOUR,
        durationMs: 32_000,
        healthy: true,
      },
    });
    expect(rows[0].uptimePercent).toBeCloseTo(99.95, 10);
    expect(rows[1]).toMatchObject({ status: 'down', lastError: 'HTTP 503' });
  });

  it('handles a service never checked without NaN', () => {
    const [row] = buildStatusRows(config(), state({}), NOW, { only: ['coqui'] });
    expect(row).toMatchObject({ id: 'coqui', status: 'unknown', checksOk: 0, checksTotal: 0, repairs: 0 });
    expect(row.uptimePercent).toBeUndefined();
    expect(row.averageResponseMs).toBeUndefined();
    expect(renderStatusText(config(), state({}), { now: NOW, only: ['coqui'] })).not.toMatch(/NaN|undefined/);
  });

  it('shows a paused service as paused until the pause expires', () => {
    const paused = state(
      { coqui: downCoqui },
      { pauses: { coqui: { at: NOW - MIN, until: NOW + HOUR, by: 'octocat' } } },
    );
    expect(buildStatusRows(config(), paused, NOW)[1]).toMatchObject({
      status: 'paused',
      pausedBy: 'octocat',
    });
    expect(buildStatusRows(config(), paused, NOW + 2 * HOUR)[1].status).toBe('down');
  });
});

describe('buildStatusHeader', () => {
  it('uses the /mode from the state over the config, and an explicit mode over both', () => {
    expect(
      buildStatusHeader(config({ mode: 'normal' }), state({}, { mode: 'extreme' }), { now: NOW }),
    ).toMatchObject({
      mode: 'extreme',
      intervalMs: 5000,
      slo: 99.9,
    });
    expect(
      buildStatusHeader(config(), state({}, { mode: 'extreme' }), { now: NOW, mode: 'normal' }).intervalMs,
    ).toBe(10_000);
  });
});

describe('renderStatusText', () => {
  const text = renderStatusText(config(), state({ backend: healthyBackend, coqui: downCoqui }), { now: NOW });

  it('has the header with time, mode and interval', () => {
    expect(text).toContain('📊 STATUS REPORT · 2026-01-10 12:00:00 UTC');
    expect(text).toContain('Mode: EXTREME · check every 5s');
  });

  it('shows each service with status, uptime, response times, checks, restarts and the last repair', () => {
    expect(text).toContain('🟢 Backend Node.js (backend): UP');
    // Time-based: no outage recorded in the watched time, although 1 of 2000 checks failed.
    expect(text).toMatch(/Uptime:\s+100%/);
    expect(text).toMatch(/Response time:\s+120ms \(avg 110ms\)/);
    expect(text).toMatch(/Checks:\s+1999\/2000 ok/);
    expect(text).toMatch(/Predictive restarts:\s+1/);
    expect(text).toMatch(/Repairs:\s+2/);
    expect(text).toMatch(/Last repair:\s+restart \(predictive\) 2h ago, took 32s → ✅ healthy/);
    expect(text).toContain('🔴 Coqui Voice Service (coqui): DOWN (HTTP 503, for 2m)');
  });

  it('aligns the values in one column', () => {
    const columns = text
      .split('\n')
      .filter((l) => /^ {3}[A-Z][A-Za-z ()%.0-9]+:/.test(l) && !l.includes('Mode:'))
      .map((l) => l.search(/:\s+\S/) + l.slice(l.search(/:\s+\S/) + 1).search(/\S/) + 1);
    expect(new Set(columns).size).toBe(1);
  });

  it('says why a repair failed', () => {
    const failed = record({ attempts: [healthyBackend.attempts[0]] });
    expect(renderStatusText(config(), state({ backend: failed }), { now: NOW })).toContain(
      'restart 1d ago, took 5s → ❌ failed: Not Authorized',
    );
  });

  it('shows a paused service with ⏸', () => {
    const paused = state({}, { pauses: { coqui: { at: NOW } } });
    expect(renderStatusText(config(), paused, { now: NOW })).toContain(
      '⏸ Coqui Voice Service (coqui): PAUSED (until /resume)',
    );
  });
});

describe('renderStatusMarkdown', () => {
  const s = state(
    { backend: healthyBackend, coqui: downCoqui },
    {
      incidents: {
        coqui: { number: 12, openedAt: NOW, kind: 'down', url: 'https://github.com/o/r/issues/12' },
      },
    },
  );
  const md = renderStatusMarkdown(config(), s, { now: NOW });

  it('is a table with one row per service', () => {
    const lines = md.split('\n');
    expect(lines).toContain('| Service | Status | Uptime | Response time | Checks | Repairs | Last repair |');
    expect(lines).toContain(
      '| Backend Node.js (`backend`) | 🟢 up | 100% | 120ms (avg 110ms) | 1999/2000 | 2 (1 predictive) | restart (predictive) 2h ago, took 32s → ✅ healthy |',
    );
    expect(md).toContain(
      '| Coqui Voice Service (`coqui`) | 🔴 down (HTTP 503, for 2m) · [#12](https://github.com/o/r/issues/12) | 96.66% |',
    );
    expect(lines.filter((l) => l.startsWith('|'))).toHaveLength(4);
  });

  it('ends with the SLO error budget per service', () => {
    expect(md).toMatch(/\*\*SLO 99\.9%\*\* error budget: `backend` 100% left .* · `coqui` exhausted/);
  });

  it('keeps a pipe or newline in a name or error inside its cell', () => {
    const odd = config();
    odd.services.backend = { ...odd.services.backend, name: 'A | B' };
    const broken = record(
      { checks: { ok: 0, total: 1, slow: 0, responseMsTotal: 0 } },
      { status: 'down', lastError: 'bad\n| thing', since: NOW },
    );
    const out = renderStatusMarkdown(odd, state({ backend: broken }), { now: NOW, only: ['backend'] });
    const row = out.split('\n').find((l) => l.startsWith('| A'))!;
    expect(row).toContain('A \\| B');
    expect(row.split(/(?<!\\)\|/)).toHaveLength(9);
  });

  it('renders only the requested services and — for no data', () => {
    const out = renderStatusMarkdown(config(), state({}), { now: NOW, only: ['coqui'] });
    expect(out).toContain('| Coqui Voice Service (`coqui`) | ⚪ not checked yet | — | — | — | 0 | — |');
    expect(out).not.toContain('backend');
    expect(out).toContain('error budget: — (no checks yet)');
  });
});
