/**
 * A state file is input (anyone with push access writes the state branch; on the hosted bot, a repository
 * the operator does not control). Counts used as loop bounds, lists of hundreds of thousands of entries and
 * absurd times are refused at parse time (the part reset, the file kept aside) and no code path multiplies
 * or spreads them: sweeps, `status` and `site` keep working on what is left.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { HOUR_MS, hourStart, recordSample } from '../../src/history/record.js';
import { emptyHistory, type Bucket } from '../../src/state/history-schema.js';
import { emptyRecord, mergeRecord } from '../../src/state/records.js';
import { parseStateData } from '../../src/state/schema.js';
import { runCli, workspace } from '../cli/run.js';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';

const NOW = Date.UTC(2026, 11, 4, 12, 30);
const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  await closeAllTestServers();
  await Promise.all(cleanups.map((c) => c()));
});

const bucket = (t: number, ok: number, p50: number | null = 10): Bucket => ({
  t,
  ok,
  total: ok,
  p50,
  p95: p50,
  max: p50,
});

describe('the history does not multiply or spread stored numbers', () => {
  it('an hourly bucket with ok: 2e9 rolls into its day without building a 2e9-entry list', () => {
    const history = {
      ...emptyHistory(),
      services: { api: { hourly: [bucket(hourStart(NOW) - HOUR_MS, 2e9, 40)], daily: [] } },
    };
    const next = recordSample(history, 'api', { ok: true, responseMs: 10 }, NOW);
    const day = next.services.api.daily.at(-1)!;
    expect(day.ok).toBe(2e9 + 1);
    // The weighted median: 2e9 samples at 40 ms outweigh the one at 10 ms.
    expect(day.p50).toBe(40);
  });

  it('the weighted median is the nearest-rank median of the samples it stands for', () => {
    const hour = hourStart(NOW);
    const history = {
      ...emptyHistory(),
      services: {
        api: { hourly: [bucket(hour - 3 * HOUR_MS, 3, 100), bucket(hour - 2 * HOUR_MS, 2, 20)], daily: [] },
      },
    };
    // Samples: 20, 20, 30, 100, 100, 100 → rank 3 → 30.
    const next = recordSample(history, 'api', { ok: true, responseMs: 30 }, NOW);
    expect(next.services.api.daily.at(-1)!.p50).toBe(30);
  });

  it('150,000 hourly buckets (unvalidated) do not overflow the call stack', () => {
    const t = hourStart(NOW) - HOUR_MS;
    const hourly = Array.from({ length: 150_000 }, () => bucket(t, 1, 5));
    const history = { ...emptyHistory(), services: { api: { hourly, daily: [] } } };
    expect(() => recordSample(history, 'api', { ok: true, responseMs: 10 }, NOW)).not.toThrow();
  });
});

describe('parsing a state bomb', () => {
  const bomb = () => ({
    version: 1,
    services: {
      api: {
        ...emptyRecord(NOW - 1000),
        health: { ...emptyRecord(0).health, since: 1e300, lastCheckAt: -1e18 },
        outages: Array.from({ length: 100_000 }, (_, i) => ({
          start: NOW - 100_000 + i,
          end: NOW - 100_000 + i,
        })),
        attempts: [],
      },
    },
    pauses: { api: { until: 1e300, at: NOW } },
    incidents: {},
    unmonitored: [],
    history: {
      services: {
        api: { hourly: [bucket(hourStart(NOW), 2e9)], daily: [] },
        web: { hourly: Array.from({ length: 300_000 }, (_, i) => bucket(i * HOUR_MS, 1)), daily: [] },
      },
      incidents: [{ service: 'api', number: 1, kind: 'down', openedAt: NOW, closedAt: 1e300 }],
    },
  });

  it('resets each bad part with a problem naming it, and keeps the rest', () => {
    const { state, problems } = parseStateData(bomb());
    const text = problems.join('\n');
    expect(text).toContain('services.api.health reset');
    expect(text).toContain('pauses.api dropped');
    expect(text).toContain('history.services.api dropped');
    expect(text).toContain('history.services.web dropped');
    expect(text).toContain('history.incidents: 1 malformed entries dropped');
    expect(text).toContain('services.api.outages: 50000 oldest entries dropped (at most 50000)');
    expect(state.services.api.outages).toHaveLength(50_000);
    expect(state.services.api.health.since).toBe(0);
    expect(state.pauses).toEqual({});
    expect(state.history?.services).toEqual({});
  });

  it('merging two records of 100,000 outages each takes linear time', () => {
    const outages = (offset: number) =>
      Array.from({ length: 100_000 }, (_, i) => ({ start: offset + i * 2, end: offset + i * 2 + 1 }));
    const mine = { ...emptyRecord(0), outages: outages(0) };
    const theirs = { ...emptyRecord(0), outages: [...outages(0), { start: 1e12 }] };
    const started = performance.now();
    const merged = mergeRecord(theirs, mine);
    // Quadratic (a scan of one list per item of the other) took 11 s at 100,000.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(merged.outages.at(-1)).toEqual({ start: 1e12 });
  });
});

describe('the CLI on a state bomb', () => {
  it('sweep, status and site work; the bad parts are reset, the file kept aside, unconfigured services pruned', async () => {
    const api = await startTestServer({ kind: 'up' });
    const ws = await workspace(`services:\n  api:\n    name: API\n    url: ${api.url}\n`);
    cleanups.push(ws.cleanup);
    const now = Date.now();
    const state = {
      version: 1,
      services: {
        api: {
          ...emptyRecord(now - 60_000),
          health: { ...emptyRecord(0).health, since: 1e300 },
          outages: [{ start: -1e18, end: 1e300 }],
        },
        // Services no longer in the config (renamed, removed): pruned on the next write.
        ...Object.fromEntries(Array.from({ length: 2_000 }, (_, i) => [`old-${i}`, emptyRecord(now - 1000)])),
      },
      pauses: { api: { until: 1e300, at: now } },
      incidents: {},
      unmonitored: [{ start: -1e18, end: 1e300 }],
      history: {
        services: { api: { hourly: [bucket(hourStart(now), 2e9)], daily: [] } },
        incidents: [{ service: 'api', number: 7, kind: 'down', openedAt: now - 1000, closedAt: 1e300 }],
      },
    };
    await mkdir(dirname(ws.state), { recursive: true });
    await writeFile(ws.state, JSON.stringify(state));

    const sweep = await runCli(['sweep', '--config', ws.config, '--state', ws.state]);
    expect(sweep.stderr).toContain('history.services.api dropped');
    expect(sweep.code).toBe(0);
    const kept = readdirSync(dirname(ws.state)).filter((f) => f.includes('.broken-'));
    expect(kept).toHaveLength(1);
    const after = JSON.parse(await readFile(ws.state, 'utf8')) as { services: Record<string, unknown> };
    expect(Object.keys(after.services)).toEqual(['api']);

    await writeFile(ws.state, JSON.stringify(state));
    const status = await runCli(['status', '--config', ws.config, '--state', ws.state]);
    expect(status.code).toBe(0);
    expect(status.stdout).not.toMatch(/e\+\d{2,}d/);
    const site = await runCli([
      'site',
      '--out',
      join(ws.dir, 'public'),
      '--config',
      ws.config,
      '--state',
      ws.state,
    ]);
    expect(site.stderr).not.toContain('Invalid time value');
    expect(site.code).toBe(0);
    expect(existsSync(join(ws.dir, 'public', 'index.html'))).toBe(true);
  }, 60_000);
});
