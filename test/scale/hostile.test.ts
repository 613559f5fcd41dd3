import { describe, expect, it } from '@jest/globals';
import { main } from '../../cli/main.js';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfigText } from '../../src/config/load.js';
import { parseLocation } from '../../src/scale/types.js';
import { startScaleWorker } from '../../src/scale/worker.js';
import { formatDuration } from '../../src/util/duration.js';
import { freePort } from '../helpers/redis.js';
import { quiet } from './world.js';

/** Attacks on the scale-out's inputs: each gets a clear refusal naming the key or variable and the fix. */
const base = 'services:\n  api:\n    url: https://api.example.com/health\n';

function configProblem(text: string): string {
  try {
    parseConfigText(text, 'uptime.yml', {});
  } catch (error: unknown) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('the config was accepted');
}

describe('hostile scale-out settings', () => {
  it('refuses a quorum that is not a whole number from 1, naming the key', () => {
    expect(configProblem(`locations: { quorum: 0 }\n${base}`)).toMatch(/locations\.quorum/);
    expect(configProblem(`locations: { quorum: "two" }\n${base}`)).toMatch(/locations\.quorum/);
    expect(configProblem(`locations: { quorum: 1.5 }\n${base}`)).toMatch(/locations\.quorum/);
    expect(configProblem(`locations: { quorum: 2, regions: [fra] }\n${base}`)).toMatch(/locations/);
    expect(configProblem(`${base}    locations: { quorum: -1 }\n`)).toMatch(
      /services\.api\.locations\.quorum/,
    );
  });

  it('keeps a valid quorum on the config and on the service', () => {
    const config = parseConfigText(
      `locations: { quorum: 2 }\n${base}    locations: { quorum: 3 }\n`,
      'uptime.yml',
      {},
    );
    expect(config.locations).toEqual({ quorum: 2 });
    expect(config.services.api.locations).toEqual({ quorum: 3 });
  });

  it('refuses a location name that could forge another worker or key ("fra|x", spaces, 40 characters)', () => {
    for (const bad of ['fra|x', 'fra iad', 'a'.repeat(40), '../fra', 'fra:1'])
      expect(() => parseLocation(bad)).toThrow(/UPTIME_LOCATION: .* is not a location name\. Fix:/);
    expect(parseLocation(undefined)).toBe('default');
    expect(parseLocation(' iad ')).toBe('iad');
  });

  it('`worker` without UPTIME_REDIS_URL, or with a bad location, exits 2 with what to set', async () => {
    const run = async (env: NodeJS.ProcessEnv) => {
      const err: string[] = [];
      const code = await main(['worker'], { out: () => {}, err: (t) => err.push(t), env });
      return { code, err: err.join('\n') };
    };
    expect(await run({})).toEqual({
      code: 2,
      err: expect.stringMatching(/UPTIME_REDIS_URL is not set\. Fix:/),
    });
    expect(await run({ UPTIME_REDIS_URL: 'redis://127.0.0.1:1', UPTIME_LOCATION: 'fra|x' })).toEqual({
      code: 2,
      err: expect.stringMatching(/UPTIME_LOCATION: "fra\|x" is not a location name/),
    });
  });

  it('a Redis that does not answer stops the start with where it tried, never the password', async () => {
    const port = await freePort(); // nothing listens there
    const start = startScaleWorker({
      redisUrl: `redis://:hunter2-secret@127.0.0.1:${port}`,
      location: 'fra',
      open: async () => {
        throw new Error('not reached');
      },
      logger: quiet,
      connectTimeoutMs: 300,
    });
    await expect(start).rejects.toThrow(
      `UPTIME_REDIS_URL: Redis at redis://127.0.0.1:${port} did not answer within ${formatDuration(300)}.`,
    );
    await expect(start).rejects.not.toThrow(/hunter2/);
  });
});
