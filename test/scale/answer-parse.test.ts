import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { LocationProber } from '../../src/scale/fanout.js';
import { probeQueueName } from '../../src/scale/types.js';
import { startRedis, type TestRedis } from '../helpers/redis.js';

/**
 * A location's answer comes through Redis from another process, maybe another version or a hostile one: the
 * asking side parses it. An answer that is not a list of probe results is "missing" with why (the quorum does
 * not count it), never results the sweep would act on.
 */
describe('a location answer is parsed, not trusted', () => {
  let redis: TestRedis;
  const connections: Redis[] = [];
  const connect = () => {
    const c = new Redis(redis.url, { maxRetriesPerRequest: null });
    connections.push(c);
    return c;
  };
  let prober: LocationProber;
  const workers: Worker[] = [];
  const answering = (location: string, answer: unknown) => {
    const worker = new Worker(probeQueueName(location), async () => answer, {
      connection: connect(),
      prefix: 'answers',
    });
    workers.push(worker);
    return worker.waitUntilReady();
  };

  beforeAll(async () => {
    redis = await startRedis();
    prober = new LocationProber(connect, 'answers');
  });
  afterAll(async () => {
    await Promise.all(workers.map((w) => w.close()));
    await prober.close();
    for (const c of connections) c.disconnect();
    await redis.stop();
  });

  const job = { repo: 'octo/site', services: ['api'], confirm: false, deadline: Date.now() + 60_000 };

  it('passes on a well-formed answer', async () => {
    const result = { service: 'api', ok: true, kind: 'ok', status: 200, responseMs: 12, at: 1 };
    await answering('fra', [result]);
    expect(await prober.ask('fra', { ...job }, 5000)).toEqual([result]);
  });

  it('turns a hostile answer into a missing one that says why', async () => {
    await answering('iad', [{ service: 'api', ok: 'yes', kind: 'ok', responseMs: 12, at: 1 }]);
    const answer = await prober.ask('iad', { ...job }, 5000);
    expect(answer).toMatch(/^answer not understood \(0\.ok: /);
  });

  it('refuses an answer that is not a list, or names an unknown kind', async () => {
    await answering('sin', { __proto__: { ok: true } });
    expect(await prober.ask('sin', { ...job }, 5000)).toMatch(/^answer not understood \(results: /);
    await answering('gru', [{ service: 'api', ok: false, kind: 'exploded', responseMs: 1, at: 1 }]);
    expect(await prober.ask('gru', { ...job }, 5000)).toMatch(/^answer not understood \(0\.kind: /);
  });
});
