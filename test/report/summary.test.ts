import { describe, expect, it } from '@jest/globals';
import { renderRunSummary, uniqueLines } from '../../src/report/summary.js';
import { DAY, MIN, NOW, config, record, state } from './fixtures.js';

describe('the job summary Markdown', () => {
  it('first run, normal mode, a 503: the service is shown failing with the reason, not "not checked yet"', () => {
    const first = record(
      { checks: { ok: 0, total: 1, slow: 0, responseMsTotal: 0 } },
      { status: 'unknown', consecutiveFailures: 1, lastError: 'HTTP 503', lastCheckAt: NOW, since: NOW },
    );
    const md = renderRunSummary({
      config: config(),
      state: state({ backend: first }),
      now: NOW,
      mode: 'normal',
      writes: ['Created the state branch uptime-state'],
    });
    expect(md).toMatch(/\| Backend Node\.js \(`backend`\) \| 🔴 failing \(HTTP 503/);
    expect(md).not.toMatch(/backend`\) \| ⚪ not checked yet/);
    expect(md).toContain('- Created the state branch uptime-state');
    expect(md).not.toContain('nothing written');
  });

  it('recovered by itself: a failed redeploy before it is not "Last repair"', () => {
    const failedAt = NOW - 30 * MIN;
    const r = record(
      {
        attempts: [
          {
            action: 'redeploy',
            trigger: 'down',
            at: failedAt,
            durationMs: MIN,
            providerOk: false,
            healthy: false,
            detail: 'HTTP 500',
          },
        ],
        repairs: 0,
      },
      { status: 'up', since: NOW - 10 * MIN, consecutiveFailures: 0 },
    );
    const md = renderRunSummary({ config: config(), state: state({ backend: r }), now: NOW, done: [] });
    const row = md.split('\n').find((l) => l.includes('`backend`')) ?? '';
    expect(row).toContain('🟢 up');
    expect(row).not.toContain('redeploy');
    expect(md).toContain('No recovery and no status change.');
  });

  it('GitHub unreachable: one warning naming the cause, the table still there, each error once', () => {
    const md = renderRunSummary({
      config: config(),
      state: state({ backend: record({}, { status: 'up', lastResponseMs: 40 }) }),
      now: NOW,
      stateUnavailable: 'connect ECONNREFUSED 127.0.0.1:443',
      warnings: ['could not save the state', 'could not save the state', 'could not  save the state'],
    });
    expect(md.match(/GitHub could not be reached \(connect ECONNREFUSED 127\.0\.0\.1:443\)/g)).toHaveLength(
      1,
    );
    expect(md.match(/could not save the state/g)).toHaveLength(1);
    expect(md).toContain('| Service | Status |');
  });

  it('token missing and token refused are different messages', () => {
    const md = renderRunSummary({
      config: config(),
      state: state({}),
      now: NOW,
      tokenProblems: [
        { service: 'backend', provider: 'railway', kind: 'missing', variable: 'RAILWAY_TOKEN' },
        { service: 'coqui', provider: 'railway', kind: 'refused', variable: 'RAILWAY_TOKEN' },
      ],
    });
    expect(md).toContain('Backend Node.js: no RAILWAY_TOKEN is set');
    expect(md).toContain('Coqui Voice Service: railway refused RAILWAY_TOKEN');
  });

  it('warns from day 50 without activity, not before', () => {
    const base = { config: config(), state: state({}), now: NOW };
    expect(renderRunSummary({ ...base, lastActivityAt: NOW - 49 * DAY })).not.toContain('No activity');
    expect(renderRunSummary({ ...base, lastActivityAt: NOW - 52 * DAY })).toContain(
      'No activity in this repository for 52 days',
    );
    expect(uniqueLines(['a', ' a ', 'b'])).toEqual(['a', 'b']);
  });
});
