import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { RAILWAY_FIXTURE as F, startRailwayServer, type RailwayServer } from '../helpers/railway-server.js';
import { runCli, workspace } from '../cli/run.js';

// Issue 3, "done when": `uptime-action restart backend` with RAILWAY_API_URL pointing at a local GraphQL server.
let railway: RailwayServer;
let health: http.Server;
let healthUrl: string;

beforeAll(async () => {
  // One status poll after the restart reaches SUCCESS, so the real clock never sleeps a poll interval.
  railway = await startRailwayServer({ pollsUntilDone: 1 });
  health = http.createServer((_req, res) => res.end('ok'));
  await new Promise<void>((resolve) => health.listen(0, '127.0.0.1', resolve));
  healthUrl = `http://127.0.0.1:${(health.address() as AddressInfo).port}/health`;
});
afterAll(async () => {
  await railway.close();
  health.closeAllConnections();
  await new Promise((resolve) => health.close(resolve));
});

describe('uptime-action restart backend against a local Railway API', () => {
  it('restarts the Railway deployment through the CLI and verifies the service', async () => {
    const ws = await workspace(`services:
  backend:
    name: Backend Node.js
    url: ${healthUrl}
    recovery: { provider: railway, serviceId: ${F.backend} }
`);
    try {
      const run = await runCli(['restart', 'backend', '--config', ws.config, '--state', ws.state], {
        env: { PATH: process.env.PATH, RAILWAY_API_URL: railway.url, RAILWAY_TOKEN: F.projectToken },
      });
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: expect.any(String) });
      expect(railway.state.restarts).toEqual(['dep-backend-1']);
      expect(railway.invalidDocuments).toEqual([]);
      expect(`${run.stdout}\n${run.stderr}`).not.toContain(F.projectToken);
    } finally {
      await ws.cleanup();
    }
  });
});
