import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';
import { startReceiver } from '../notify/receiver.js';
import { runCli, workspace } from './run.js';

/**
 * `uptime-action sweep` is what one scheduled run of the Action does (docs/cli.md): across the runs that open
 * and close an incident, each `notify:` target hears `down` and `resolved` exactly once, and the state file
 * books the response-time history. A real loopback service and a real receiver.
 */

afterAll(closeAllTestServers);
const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});

interface Told {
  service: string;
  transition: string;
}

describe('uptime-action sweep with a notify: target', () => {
  it('sends down and resolved once across the runs of one outage, and books the history like the Action', async () => {
    const api = await startTestServer();
    const receiver = await startReceiver();
    cleanups.push(() => receiver.close());
    // normal mode: two failed sweeps before "down" (so the first failing run notifies nothing).
    const ws = await workspace(`mode: normal
services:
  api:
    name: API Server
    url: ${api.url}
    timeout: 2s
notify:
  - { type: webhook, url: "${receiver.origin}/hook" }
`);
    cleanups.push(ws.cleanup);
    const sweep = () => runCli(['sweep', '--json', '--config', ws.config, '--state', ws.state]);
    const told = () => receiver.requests.map((r) => JSON.parse(r.body) as Told);

    expect((await sweep()).code).toBe(0);
    api.set({ kind: 'status', status: 503 });
    const first = await sweep();
    expect(JSON.parse(first.stdout)).toMatchObject({ status: 'degraded', downServices: [] });
    expect(told()).toEqual([]);
    const second = await sweep();
    expect(second.code).toBe(1);
    expect(JSON.parse(second.stdout)).toMatchObject({ status: 'down', downServices: ['api'] });
    // Still down: the same transition is not told again.
    expect((await sweep()).code).toBe(1);
    api.set({ kind: 'up' });
    // normal mode wants successThreshold healthy answers in a row before "up" again.
    const recovering = await sweep();
    expect(JSON.parse(recovering.stdout)).toMatchObject({ status: 'down' });
    const back = await sweep();
    expect(back.code).toBe(0);
    expect(JSON.parse(back.stdout)).toMatchObject({ status: 'up' });
    expect((await sweep()).code).toBe(0);

    const transitions = told().map((t) => `${t.service}:${t.transition}`);
    expect(transitions.filter((t) => t === 'api:down')).toHaveLength(1);
    expect(transitions.filter((t) => t === 'api:resolved')).toHaveLength(1);
    expect(transitions.indexOf('api:down')).toBeLessThan(transitions.indexOf('api:resolved'));

    // The incident opened and closed in the local log beside the state, and the hour's history is booked.
    const incidents = await readFile(ws.state.replace(/state\.json$/, 'incidents.md'), 'utf8');
    expect(incidents).toMatch(/API Server/);
    const state = JSON.parse(await readFile(ws.state, 'utf8')) as {
      history?: { services: Record<string, { hourly: Array<{ ok: number; total: number }> }> };
      incidents: Record<string, unknown>;
    };
    const hour = state.history?.services.api.hourly.at(-1);
    expect(hour?.total).toBe(7);
    expect(hour?.ok).toBe(4);
    expect(state.incidents).toEqual({});
  });
});
