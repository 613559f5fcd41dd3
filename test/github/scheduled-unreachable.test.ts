import { describe, expect, it } from '@jest/globals';
import { runSweep } from '../../src/run/sweep.js';
import type { StateStore } from '../../src/state/types.js';
import { makeWorld } from '../helpers/world.js';

describe('a scheduled run when GitHub is unreachable', () => {
  it('still probes and recovers with an in-memory state, warns once and writes nothing', async () => {
    const w = makeWorld(
      {
        mode: 'extreme',
        services: {
          api: {
            name: 'API',
            url: 'http://127.0.0.1:1/health',
            recovery: { provider: 'command', restart: 'true' },
          },
        },
      },
      { api: { up: false } },
    );
    let updates = 0;
    const unreachable: StateStore = {
      read: () => Promise.reject(new Error('could not reach GitHub at http://127.0.0.1:1 (ECONNREFUSED)')),
      update: () => {
        updates++;
        return Promise.reject(new Error('unreachable'));
      },
    };
    const result = await runSweep({ deps: { ...w.deps, dryRun: true }, store: unreachable, watchMs: 0 });
    expect(w.probeCount()).toBeGreaterThan(0);
    expect(result.report.services.api.status).not.toBe('up');
    expect(result.warnings.filter((x) => x.includes('ECONNREFUSED'))).toHaveLength(1);
    expect(result.summary).toContain('could not reach GitHub at http://127.0.0.1:1 (ECONNREFUSED)');
    expect(result.wrote).toBe(false);
    expect(updates).toBe(0);
  });
});
