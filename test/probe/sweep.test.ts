import { afterAll, describe, expect, it } from '@jest/globals';
import type { ServiceConfig } from '../../src/config/schema.js';
import { probeService } from '../../src/probe/probe.js';
import { mapBounded, probeAll } from '../../src/probe/sweep.js';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';

afterAll(closeAllTestServers);

/** One turn of the event loop (no wall-clock time decides anything here). */
const tick = () => new Promise((resolve) => setImmediate(resolve));
const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await tick();
};

describe('mapBounded', () => {
  it('keeps at most `limit` calls in flight and returns results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const results = await mapBounded([5, 1, 4, 2, 3, 0, 6], 3, async (n, i) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await turns(n * 3);
      inFlight--;
      return `${i}:${n}`;
    });
    expect(peak).toBe(3);
    expect(results).toEqual(['0:5', '1:1', '2:4', '3:2', '4:3', '5:0', '6:6']);
  });

  it('handles an empty list and a limit above the item count', async () => {
    expect(await mapBounded([], 4, async () => 1)).toEqual([]);
    expect(await mapBounded([1, 2], 50, async (n) => n * 2)).toEqual([2, 4]);
  });

  it('rejects with the first error and starts nothing after it', async () => {
    const started: number[] = [];
    const run = mapBounded([0, 1, 2, 3, 4, 5], 1, async (n) => {
      started.push(n);
      await tick();
      if (n === 1) throw new Error('boom at 1');
      return n;
    });
    await expect(run).rejects.toThrow('boom at 1');
    expect(started).toEqual([0, 1]);
  });

  it('refuses a limit below 1', async () => {
    await expect(mapBounded([1], 0, async (n) => n)).rejects.toThrow(/limit must be at least 1/);
  });
});

describe('probeAll', () => {
  it('turns a throwing custom probe into a failed result for that service only', async () => {
    const services = ['a', 'b'].map((id) => ({ id }) as ServiceConfig);
    const results = await probeAll(services, async (s) => {
      if (s.id === 'a') throw new Error('exploded');
      return { service: s.id, ok: true, kind: 'ok', responseMs: 1, at: 0 };
    });
    expect(results.map((r) => [r.service, r.ok, r.error])).toEqual([
      ['a', false, 'probe failed: exploded'],
      ['b', true, undefined],
    ]);
  });

  it('sweeps 20 services with 5 hanging: hanging probes wait side by side, results stay in order', async () => {
    const up = await startTestServer({ kind: 'up' });
    const hang = await startTestServer({ kind: 'hang' });
    const timeout = 500;
    const services: ServiceConfig[] = Array.from({ length: 20 }, (_, i) => ({
      id: `svc${i}`,
      name: `Service ${i}`,
      url: i % 4 === 0 ? hang.url : up.url,
      method: 'GET',
      headers: {},
      expect: { status: [[200, 299]] },
      timeout,
    }));
    let hanging = 0;
    let peakHanging = 0;
    const results = await probeAll(
      services,
      async (s) => {
        if (s.url !== hang.url) return probeService(s);
        peakHanging = Math.max(peakHanging, ++hanging);
        try {
          return await probeService(s);
        } finally {
          hanging--;
        }
      },
      5,
    );
    expect(results.map((r) => r.service)).toEqual(services.map((s) => s.id));
    expect(results.filter((r) => r.kind === 'timeout').map((r) => r.service)).toEqual([
      'svc0',
      'svc4',
      'svc8',
      'svc12',
      'svc16',
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(15);
    // svc0 and svc4 start in the first batch of five, so hanging probes overlap (one after another would
    // cost a timeout each); no wall-clock assertion, the count of probes in flight says it.
    expect(peakHanging).toBeGreaterThanOrEqual(2);
  });
});
