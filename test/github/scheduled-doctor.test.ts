import { afterAll, describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/load.js';
import type { EngineDeps } from '../../src/engine/types.js';
import { runSweep } from '../../src/run/sweep.js';
import { probeService } from '../../src/probe/probe.js';
import { providerFor } from '../../src/providers/registry.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import { systemClock } from '../../src/util/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { RAILWAY_FIXTURE, startRailwayServer } from '../helpers/railway-server.js';
import { closeAllTestServers, refusedUrl } from '../helpers/servers.js';

afterAll(closeAllTestServers);

describe('a scheduled run whose platform refuses the token', () => {
  it("logs doctor's read-only checks once, in the summary and the log", async () => {
    const railway = await startRailwayServer();
    try {
      const config = parseConfig(
        {
          mode: 'extreme',
          services: {
            backend: {
              name: 'Backend Node.js',
              url: await refusedUrl(),
              timeout: 500,
              recovery: {
                provider: 'railway',
                serviceId: RAILWAY_FIXTURE.backend,
                environmentId: RAILWAY_FIXTURE.production,
              },
            },
          },
        },
        'test',
      );
      const logs: string[] = [];
      const env = { RAILWAY_API_URL: railway.url, RAILWAY_API_TOKEN: 'revoked-token-0123456789' };
      const deps: EngineDeps = {
        config,
        provider: providerFor,
        providerContext: {
          env,
          fetch: globalThis.fetch,
          clock: systemClock,
          logger: silentLogger,
          timing: { retries: 0, requestTimeoutMs: 2000 },
        },
        probe: (service, options) => probeService(service, options),
        clock: systemClock,
        logger: { ...silentLogger, info: (m) => void logs.push(m) },
      };
      const result = await runSweep({ deps, store: new MemoryStateStore(), watchMs: 0 });
      expect(result.status).toBe('down');
      expect(result.report.services.backend.actions[0]).toMatchObject({ action: 'restart', ok: false });
      expect(result.summary).toMatch(/#### Doctor \(a platform refused the token\)/);
      expect(result.summary).toMatch(/❌/);
      expect(logs.filter((l) => l.startsWith('A platform refused the token'))).toHaveLength(1);
      expect(result.summary).not.toContain('revoked-token-0123456789');
      expect(result.summary).toContain('railway refused RAILWAY_TOKEN or RAILWAY_API_TOKEN or LEGACY_TOKEN');
      expect(result.summary).not.toMatch(/no RAILWAY_TOKEN[^\n]* is set/);
    } finally {
      await railway.close();
    }
  });
});

describe('a scheduled run with no platform token at all', () => {
  it('says the token is missing (not refused) and names the secret to add', async () => {
    const railway = await startRailwayServer();
    try {
      const config = parseConfig(
        {
          mode: 'extreme',
          services: {
            backend: {
              url: await refusedUrl(),
              timeout: 500,
              recovery: { provider: 'railway', serviceId: RAILWAY_FIXTURE.backend },
            },
          },
        },
        'test',
      );
      const deps: EngineDeps = {
        config,
        provider: providerFor,
        providerContext: {
          env: { RAILWAY_API_URL: railway.url },
          fetch: globalThis.fetch,
          clock: systemClock,
          logger: silentLogger,
          timing: { retries: 0, requestTimeoutMs: 2000 },
        },
        probe: (service, options) => probeService(service, options),
        clock: systemClock,
        logger: silentLogger,
      };
      const result = await runSweep({ deps, store: new MemoryStateStore(), watchMs: 0 });
      expect(result.status).toBe('down');
      expect(result.summary).toMatch(/no RAILWAY_TOKEN or RAILWAY_API_TOKEN or LEGACY_TOKEN is set/);
      expect(result.summary).not.toContain('refused RAILWAY_TOKEN');
    } finally {
      await railway.close();
    }
  });
});
