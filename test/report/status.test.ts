import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkReport } from '../../cli/commands/check.js';
import { buildDeps } from '../../cli/deps.js';
import { resolveTuning } from '../../src/config/presets.js';
import { parseConfig } from '../../src/config/load.js';
import { probeOutcome } from '../../src/engine/probe-outcome.js';
import { needsPings } from '../../src/monitors/registry.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { isFailing, overallStatus } from '../../src/report/status.js';
import { runSweep } from '../../src/run/sweep.js';
import { silentLogger } from '../../src/util/logger.js';
import { startTestServer } from '../helpers/servers.js';

/*
 * One status definition (src/report/status.ts) for `check`, `sweep` and the Action: one probe says the same
 * in each, and a heartbeat where no pings arrive is "not checked" by design (the monitors registry decides),
 * which neither degrades nor fails anything.
 */
const NOW = Date.UTC(2026, 11, 4, 12);
const TOKEN = 'nightly-0123456789abcdef-token';
const env = { NIGHTLY_PING_TOKEN: TOKEN };
const config = (url: string, mode = 'normal') =>
  parseConfig(
    {
      mode,
      services: {
        api: { name: 'API', url },
        nightly: { type: 'heartbeat', every: '1h', token: '${NIGHTLY_PING_TOKEN}' },
      },
    },
    'status-test',
    env,
  );
const probe = (fields: Partial<ProbeResult>): ProbeResult => ({
  service: 'api',
  ok: true,
  kind: 'ok',
  responseMs: 40,
  at: NOW,
  ...fields,
});

describe('what one probe says of a service (probeOutcome)', () => {
  const api = { id: 'api', name: 'API' };
  it('a failure: degraded and failing where the mode wants more failures, down where one is down', () => {
    const failed = probe({ ok: false, kind: 'status', status: 503, error: 'HTTP 503' });
    const normal = probeOutcome(api, failed, resolveTuning(config('http://x'), 'normal'));
    expect(normal).toMatchObject({ status: 'degraded', error: 'HTTP 503' });
    expect(isFailing(normal)).toBe(true);
    const extreme = probeOutcome(api, failed, resolveTuning(config('http://x'), 'extreme'));
    expect(extreme).toMatchObject({ status: 'down', error: 'HTTP 503' });
    expect(isFailing(extreme)).toBe(false);
  });

  it('a slow answer is slow, a fast one up, a probe the monitor could not make unchecked', () => {
    const tuning = resolveTuning(config('http://x'), 'normal');
    expect(probeOutcome(api, probe({ responseMs: tuning.slowResponseThreshold + 1 }), tuning).status).toBe(
      'slow',
    );
    expect(probeOutcome(api, probe({}), tuning)).toMatchObject({ status: 'up', responseMs: 40 });
    const local = probeOutcome(
      api,
      probe({ ok: false, kind: 'network', local: true, error: 'EMFILE' }),
      tuning,
    );
    expect(local).toMatchObject({ unchecked: true, error: 'EMFILE' });
    expect(overallStatus([local])).toBe('degraded');
  });
});

describe('a heartbeat where no pings arrive', () => {
  it('the registry says only a listening face checks it', () => {
    const byDesign = needsPings(config('http://x'));
    expect([byDesign('nightly'), byDesign('api'), byDesign('missing')]).toEqual([true, false, false]);
  });

  it('check and sweep: the same overall status (up) and the same word for each service', async () => {
    const api = await startTestServer();
    const dir = mkdtempSync(join(tmpdir(), 'status-test-'));
    try {
      const cfg = config(api.url);
      const tuning = resolveTuning(cfg, 'normal');
      const results = [
        probe({ responseMs: 5 }),
        probe({ service: 'nightly', ok: false, kind: 'missed', local: true, error: 'not checked: no pings' }),
      ];
      const check = checkReport(cfg, results, 'normal', NOW);
      expect(check).toMatchObject({ status: 'up', downServices: [], heartbeatServices: ['nightly'] });
      expect(check.uncheckedServices).toBeUndefined();
      expect(probeOutcome({ id: 'api', name: 'API' }, results[0], tuning).status).toBe('up');
      const { deps, store } = buildDeps(cfg, {
        env,
        logger: silentLogger,
        statePath: join(dir, 'state.json'),
        incidents: 'none',
      });
      const sweep = await runSweep({ deps, store, watchMs: 0, persist: 'always' });
      expect(sweep.status).toBe('up');
      expect(sweep.report.services.nightly).toMatchObject({
        status: check.services.nightly.status,
        unchecked: true,
      });
      expect(sweep.report.services.api.status).toBe(check.services.api.status);
      expect(sweep.failure).toBeUndefined();
    } finally {
      await api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
