import { describe, expect, it } from '@jest/globals';
import { ConfigError, parseConfigText } from '../../src/config/index.js';
import type { RawConfigInput } from '../../src/config/schema.js';
import { sweep } from '../../src/engine/sweep.js';
import type { Provider } from '../../src/providers/types.js';
import { dependencyCycle } from '../../src/recovery/dependencies.js';
import { emptyState } from '../../src/state/records.js';
import { MemoryIncidentLog } from '../helpers/memory-incidents.js';
import { makeWorld } from '../helpers/world.js';

const recovery = { provider: 'command' as const, restart: 'true', redeploy: 'true' };
const cascade = (withDeps: boolean): RawConfigInput => ({
  mode: 'extreme',
  services: {
    // Dependents first: the plan must not depend on the order of the checks.
    api: { url: 'http://127.0.0.1:1/a', recovery, ...(withDeps ? { dependsOn: ['db'] } : {}) },
    web: { url: 'http://127.0.0.1:1/w', recovery, ...(withDeps ? { dependsOn: ['api'] } : {}) },
    worker: { url: 'http://127.0.0.1:1/k', recovery, ...(withDeps ? { dependsOn: ['db'] } : {}) },
    db: { name: 'Database', url: 'http://127.0.0.1:1/d', recovery },
  },
});
const DEPENDENTS = ['api', 'web', 'worker'];

/** db down and everything behind it failing; a restart of db brings all back, a dependent's own does nothing. */
function cascadeWorld(withDeps: boolean) {
  const w = makeWorld(cascade(withDeps), { db: { restartFixes: true } });
  for (const id of DEPENDENTS) w.world[id].restartFixes = false;
  const inner = w.deps.provider('command');
  const provider: Provider = {
    ...inner,
    restart: async (service, ctx) => {
      const result = await inner.restart(service, ctx);
      if (service.id === 'db') for (const id of DEPENDENTS) w.world[id].up = true;
      return result;
    },
    redeploy: async (service, ctx) => {
      const result = await inner.redeploy(service, ctx);
      if (service.id === 'db') for (const id of DEPENDENTS) w.world[id].up = true;
      return result;
    },
  };
  w.deps.provider = () => provider;
  const incidents = new MemoryIncidentLog();
  w.deps.incidents = incidents;
  const breakDb = () => {
    w.world.db.up = false;
    for (const id of DEPENDENTS) w.world[id].up = false;
  };
  return { ...w, incidents, breakDb };
}

async function run(w: ReturnType<typeof cascadeWorld>, sweeps: number) {
  let state = emptyState();
  const results = [];
  for (let i = 0; i < sweeps; i++) {
    const result = await sweep(w.deps, state);
    results.push(result);
    state = result.state;
    w.clock.advance(5000);
  }
  return { state, results };
}

describe('dependsOn: a database down with three services behind it', () => {
  it('one recovery (the database), one incident that lists the dependents, no dependent restarted', async () => {
    const w = cascadeWorld(true);
    // db's restart does not fix it (its redeploy does): the cascade lasts several sweeps.
    w.world.db.restartFixes = false;
    // Healthy for a minute, then db and everything behind it fail.
    let { state } = await run(w, 12);
    w.breakDb();
    const results = [];
    for (let i = 0; i < 30; i++) {
      const result = await sweep(w.deps, state);
      results.push(result);
      state = result.state;
      w.clock.advance(5000);
    }
    expect(w.calls).toEqual([
      { service: 'db', action: 'restart' },
      { service: 'db', action: 'redeploy' },
    ]);
    expect(w.incidents.issues).toHaveLength(1);
    const issue = w.incidents.issues[0];
    expect(issue.service).toBe('db');
    for (const id of DEPENDENTS)
      expect(issue.comments.join('\n')).toContain(`(\`${id}\`) is failing because`);
    // web fails because of db through api (the deepest failing dependency holds the cascade).
    expect(issue.comments.join('\n')).toMatch(/web.*failing because Database is down/);
    // The dependents' outcomes link the database's incident while they fail.
    const during = results.find((r) => r.services.api.status === 'down' && r.services.db.status === 'down')!;
    expect(during.services.api).toMatchObject({ causedBy: 'db', incident: issue.number });
    // What people are told says why.
    const down = results.flatMap((r) => r.events).filter((e) => e.type === 'status' && e.to === 'down');
    expect(down.find((e) => e.service === 'worker')).toMatchObject({
      reason: expect.stringContaining('failing because Database is down'),
    });
    // Everything is back, the incident is resolved, nothing is left recorded against db.
    expect(issue.open).toBe(false);
    for (const id of [...DEPENDENTS, 'db']) expect(state.services[id].health.status).toBe('up');
    for (const id of DEPENDENTS) expect(state.services[id].causedBy).toBeUndefined();
  });

  it('without dependsOn every dependent is restarted for nothing (the comparison)', async () => {
    const w = cascadeWorld(false);
    let { state } = await run(w, 12);
    w.breakDb();
    for (let i = 0; i < 30; i++) {
      state = (await sweep(w.deps, state)).state;
      w.clock.advance(5000);
    }
    const dependentRestarts = w.calls.filter((c) => DEPENDENTS.includes(c.service));
    expect(dependentRestarts.length).toBeGreaterThanOrEqual(3);
    expect(w.incidents.issues.length).toBe(4);
  });

  it('a dependent still down after its dependency is back gets its own incident and ladder', async () => {
    const w = cascadeWorld(true);
    let { state } = await run(w, 12);
    w.breakDb();
    // api has its own problem: it stays down after db is back.
    const inner = w.deps.provider('command');
    w.deps.provider = () => ({
      ...inner,
      restart: async (service, ctx) => {
        const result = await inner.restart(service, ctx);
        if (service.id === 'db') w.world.api.up = false;
        if (service.id === 'api' && w.calls.filter((c) => c.service === 'api').length === 1)
          w.world.api.up = true;
        return result;
      },
    });
    w.world.api.restartFixes = true;
    for (let i = 0; i < 40; i++) {
      state = (await sweep(w.deps, state)).state;
      w.clock.advance(5000);
    }
    expect(w.calls.map((c) => c.service)).toEqual(['db', 'api']);
    const api = w.incidents.issues.find((i) => i.service === 'api');
    expect(api?.body).toMatch(/still failing .* after Database came back: its own recovery starts/);
    expect(state.services.api.health.status).toBe('up');
    expect(state.services.api.causedBy).toBeUndefined();
  });

  it('a paused dependency does not hold its dependents (maintenance is not an outage)', async () => {
    const w = cascadeWorld(true);
    let { state } = await run(w, 2);
    state = { ...state, pauses: { db: { at: w.clock.now() } } };
    w.world.api.up = false;
    for (let i = 0; i < 10; i++) {
      state = (await sweep(w.deps, state)).state;
      w.clock.advance(5000);
    }
    expect(w.calls.map((c) => c.service)).toContain('api');
  });
});

describe('dependsOn in the config', () => {
  const yaml = (services: string) => `services:\n${services}`;
  const problem = (text: string): string => {
    try {
      parseConfigText(text, 'uptime.yml', {});
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).exitCode).toBe(2);
      return (error as ConfigError).message;
    }
    throw new Error('expected a config error');
  };

  it('a cycle is a config error naming the cycle', () => {
    const message = problem(
      yaml(
        [
          '  api: { url: "https://a.example/h", dependsOn: [cache] }',
          '  cache: { url: "https://c.example/h", dependsOn: [db] }',
          '  db: { url: "https://d.example/h", dependsOn: [api] }',
        ].join('\n'),
      ),
    );
    expect(message).toContain('services.api.dependsOn: dependsOn forms a cycle: api → cache → db → api');
  });

  it('an unknown name and a service depending on itself are named', () => {
    const message = problem(
      yaml(
        [
          '  api: { url: "https://a.example/h", dependsOn: [dbb] }',
          '  db: { url: "https://d.example/h", dependsOn: [db] }',
        ].join('\n'),
      ),
    );
    expect(message).toContain(
      'services.api.dependsOn.0: "dbb" is not a service of this config; use one of api, db.',
    );
    expect(message).toContain('services.db.dependsOn.0: "db" depends on itself');
  });

  it('a hostile name (prototype keys) is just an unknown name', () => {
    const message = problem(
      yaml('  api: { url: "https://a.example/h", dependsOn: [constructor, __proto__] }'),
    );
    expect(message).toContain('"constructor" is not a service of this config');
    expect(message).toContain('"__proto__" is not a service of this config');
  });

  it('finds no cycle in a diamond', () => {
    expect(
      dependencyCycle({
        web: { dependsOn: ['api', 'auth'] },
        api: { dependsOn: ['db'] },
        auth: { dependsOn: ['db'] },
        db: {},
      }),
    ).toBeUndefined();
  });
});
