import { describe, expect, it } from '@jest/globals';
import type { CommentGitHub, IssueCommentPayload, ReactionKind } from '../../src/commands/run.js';
import { runCommentCommand } from '../../src/commands/run.js';
import { ConfigError } from '../../src/config/errors.js';
import type { Config } from '../../src/config/schema.js';
import { silentLogger } from '../../src/util/logger.js';
import { handlerSetup, testConfig } from './fixtures.js';

/** A CommentGitHub in memory: records reactions and replies; permissions per login. */
function fakeGitHub(
  permissions: Record<string, string>,
  config: () => Promise<Config> = async () => testConfig(),
) {
  const reactions: ReactionKind[] = [];
  const replies: string[] = [];
  const lookups: string[] = [];
  const github: CommentGitHub = {
    addReaction: async (kind) => {
      reactions.push(kind);
    },
    reply: async (markdown) => {
      replies.push(markdown);
    },
    getPermission: async (username) => {
      lookups.push(username);
      const p = permissions[username] ?? 'read';
      return { permission: p === 'maintain' ? 'write' : p, role_name: p };
    },
    loadConfig: config,
  };
  return { github, reactions, replies, lookups };
}

function payload(
  body: string,
  options: { login?: string; type?: string; action?: string } = {},
): IssueCommentPayload {
  const user = { login: options.login ?? 'alice', type: options.type ?? 'User' };
  return {
    action: options.action ?? 'created',
    comment: { id: 11, body, user },
    issue: { number: 7, labels: [] },
    sender: user,
  };
}

function run(
  body: string,
  gh: ReturnType<typeof fakeGitHub>,
  setup = handlerSetup(),
  options: Parameters<typeof payload>[1] = {},
) {
  return runCommentCommand({
    payload: payload(body, options),
    github: gh.github,
    services: () => ({ store: setup.store, engine: setup.engine }),
    clock: setup.clock,
    logger: silentLogger,
    selfLogin: 'uptime-action[bot]',
  });
}

describe('runCommentCommand', () => {
  it('a write user restarts: eyes, permission lookup, one provider call, rocket and a reply', async () => {
    const gh = fakeGitHub({ alice: 'write' });
    const setup = handlerSetup();
    const result = await run('/restart coqui', gh, setup);
    expect(gh.reactions).toEqual(['eyes', 'rocket']);
    expect(gh.lookups).toEqual(['alice']);
    expect(setup.calls).toEqual([{ op: 'restart', service: 'coqui' }]);
    expect(gh.replies).toHaveLength(1);
    expect(gh.replies[0]).toMatch(/Restarted \*\*Coqui Voice Service\*\*.*answered healthy after 5s/);
    expect(result).toMatchObject({ handled: true, ok: true });
  });

  it('a maintainer counts as write', async () => {
    const gh = fakeGitHub({ alice: 'maintain' });
    const setup = handlerSetup();
    await run('/restart coqui', gh, setup);
    expect(setup.calls).toHaveLength(1);
  });

  it('a read user is refused before any provider call', async () => {
    const gh = fakeGitHub({ alice: 'read' });
    const setup = handlerSetup();
    const result = await run('/restart coqui', gh, setup);
    expect(setup.calls).toEqual([]);
    expect(gh.reactions).toEqual(['eyes', '-1']);
    expect(gh.replies[0]).toContain(
      '`/restart` needs write access to this repository and you have read access',
    );
    expect(result).toMatchObject({ handled: true, ok: false, stage: 'permission' });
  });

  it('ignores edits, bots, the app itself and ordinary comments without a reaction', async () => {
    const gh = fakeGitHub({ alice: 'admin' });
    expect(await run('/restart coqui', gh, undefined, { action: 'edited' })).toEqual({
      handled: false,
      reason: 'not-created',
    });
    expect(await run('/restart coqui', gh, undefined, { login: 'renovate[bot]', type: 'Bot' })).toEqual({
      handled: false,
      reason: 'bot',
    });
    expect(await run('/restart coqui', gh, undefined, { login: 'dependabot[bot]' })).toEqual({
      handled: false,
      reason: 'bot',
    });
    expect(await run('/restart coqui', gh, undefined, { login: 'uptime-action[bot]', type: 'Bot' })).toEqual({
      handled: false,
      reason: 'self',
    });
    expect(await run('thanks, looks good', gh)).toEqual({ handled: false, reason: 'not-command' });
    expect(gh.reactions).toEqual([]);
    expect(gh.replies).toEqual([]);
    expect(gh.lookups).toEqual([]);
  });

  it('answers an unknown verb with the short help and a thumbs down', async () => {
    const gh = fakeGitHub({ alice: 'write' });
    await run('/reboot coqui', gh);
    expect(gh.reactions).toEqual(['eyes', '-1']);
    expect(gh.replies[0]).toContain('`/reboot` is not a command');
  });

  it('replies to a broken config with the key and the fix', async () => {
    const broken = async (): Promise<Config> => {
      throw new ConfigError('acme/site:.github/uptime.yml@main', [
        { path: 'services.coqui.url', message: 'is missing.', fix: 'write the full health URL.' },
      ]);
    };
    const gh = fakeGitHub({ alice: 'write' }, broken);
    const setup = handlerSetup();
    const result = await run('/restart coqui', gh, setup);
    expect(setup.calls).toEqual([]);
    expect(gh.reactions).toEqual(['eyes', '-1']);
    expect(gh.replies[0]).toContain('services.coqui.url: is missing. Fix: write the full health URL.');
    expect(result).toMatchObject({ stage: 'config' });
  });

  it('an admin switches the mode; a write user may not', async () => {
    const setup = handlerSetup();
    const writer = fakeGitHub({ alice: 'write' });
    await run('/mode extreme', writer, setup);
    expect(writer.replies[0]).toContain('`/mode` needs admin access');
    expect((await setup.store.read()).mode).toBeUndefined();
    const admin = fakeGitHub({ alice: 'admin' });
    await run('/mode extreme', admin, setup);
    expect(admin.reactions).toEqual(['eyes', 'rocket']);
    expect((await setup.store.read()).mode).toBe('extreme');
  });

  it('scrubs secrets from replies', async () => {
    const gh = fakeGitHub({ alice: 'write' });
    const setup = handlerSetup();
    await runCommentCommand({
      payload: payload('/status coqui'),
      github: gh.github,
      services: () => ({ store: setup.store, engine: setup.engine }),
      clock: setup.clock,
      logger: silentLogger,
      redact: (t) => t.split('Coqui').join('***'),
    });
    expect(gh.replies[0]).not.toContain('Coqui');
  });

  it('a failing handler gets a thumbs down and a reply, not a crash', async () => {
    const gh = fakeGitHub({ alice: 'write' });
    const setup = handlerSetup();
    const result = await runCommentCommand({
      payload: payload('/pause coqui'),
      github: gh.github,
      services: () => ({
        store: {
          read: setup.store.read.bind(setup.store),
          update: async () => Promise.reject(new Error('state branch unreachable')),
        },
        engine: setup.engine,
      }),
      clock: setup.clock,
      logger: silentLogger,
    });
    expect(result).toMatchObject({ handled: true, ok: false, stage: 'handler' });
    expect(gh.reactions).toEqual(['eyes', '-1']);
    expect(gh.replies[0]).toContain('`/pause coqui` failed: state branch unreachable');
  });
});

describe('a replayed delivery', () => {
  it('runs once even from a fresh process (remembered in the state), and is forgotten after 7 days', async () => {
    const setup = handlerSetup();
    const once = (delivery: string) =>
      runCommentCommand({
        payload: payload('/restart backend'),
        github: fakeGitHub({ alice: 'write' }).github,
        services: () => ({ store: setup.store, engine: setup.engine }),
        clock: setup.clock,
        logger: silentLogger,
        delivery,
      });
    // Each call is a new runCommentCommand with nothing in memory but the store: like a restarted bot.
    expect(await once('d-1')).toMatchObject({ handled: true, ok: true });
    expect(await once('d-1')).toEqual({ handled: false, reason: 'replay' });
    expect(setup.calls.filter((c) => c.op === 'restart')).toHaveLength(1);
    expect((await setup.store.read()).deliveries).toHaveProperty('d-1');
    setup.clock.advance(8 * 86_400_000);
    await once('d-2');
    expect(Object.keys((await setup.store.read()).deliveries ?? {})).toEqual(['d-2']);
  });
});
