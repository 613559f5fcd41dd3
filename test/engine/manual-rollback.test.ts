import { describe, expect, it } from '@jest/globals';
import { handleCommand } from '../../src/commands/handlers.js';
import { parseCommand } from '../../src/commands/parse.js';
import { parseConfig } from '../../src/config/load.js';
import type { Provider, RollbackOptions } from '../../src/providers/types.js';
import { emptyRecord } from '../../src/state/records.js';
import { emptyState } from '../../src/state/records.js';
import { handlerSetup } from '../commands/fixtures.js';

const config = parseConfig(
  {
    services: {
      api: {
        name: 'API',
        url: 'https://api.example.com/health',
        recovery: {
          provider: 'command',
          restart: 'true',
          rollback: 'true',
          actions: ['restart', 'rollback'],
        },
      },
    },
  },
  'test config',
);

function setup(history = true) {
  const s = handlerSetup({ config });
  const rollbacks: RollbackOptions[] = [];
  const provider: Provider = {
    type: 'command',
    restart: async () => ({ ok: true, detail: 'restarted' }),
    redeploy: async () => ({ ok: true, detail: 'redeployed' }),
    ...(history
      ? {
          deployments: async () => ({
            latest: {
              id: 'dep-9',
              status: 'SUCCESS',
              createdAt: '2026-01-05T11:50:00Z',
              commitSha: 'abcdef1234',
              commitMessage: 'feat: cache',
            },
            previousSuccessful: {
              id: 'dep-8',
              status: 'SUCCESS',
              createdAt: '2026-01-04T09:00:00Z',
              commitSha: '1234567aaa',
            },
          }),
        }
      : {}),
    rollback: async (_s, _c, options = {}) => {
      rollbacks.push(options);
      return { ok: true, detail: `rolled back to ${options.toDeploymentId}` };
    },
  };
  s.engine.provider = () => provider;
  // Down when /rollback looks (its probe before acting), healthy once rolled back (the verification).
  const healthy = s.engine.probe;
  s.engine.probe = async (service, options) =>
    rollbacks.length === 0
      ? {
          service: service.id,
          ok: false,
          kind: 'status',
          status: 503,
          responseMs: 20,
          at: s.clock.now(),
          error: 'HTTP 503',
        }
      : healthy(service, options);
  return { ...s, rollbacks };
}

const typed = (line: string) => {
  const parsed = parseCommand(line);
  if (!parsed?.ok) throw new Error(line);
  return { command: parsed.command, text: parsed.text };
};

describe('/rollback', () => {
  it('parses with --dry-run (and --force) and refuses other flags', () => {
    expect(parseCommand('/rollback api --dry-run')).toMatchObject({
      ok: true,
      command: { name: 'rollback', service: 'api', dryRun: true },
    });
    expect(parseCommand('/rollback api --now')).toMatchObject({ ok: false, name: 'rollback' });
    expect(parseCommand('/rollback api --force')).toMatchObject({ ok: true, command: { force: true } });
  });

  it('--dry-run names the target deployment and does nothing', async () => {
    const { ctx, rollbacks, store } = setup();
    const outcome = await handleCommand(typed('/rollback api --dry-run'), ctx());
    expect(outcome.reply).toContain(
      'Dry run: would roll back API from deployment dep-9 (SUCCESS, 2026-01-05T11:50:00Z, commit abcdef1 "feat: cache") to deployment dep-8 (SUCCESS, 2026-01-04T09:00:00Z, commit 1234567)',
    );
    expect(outcome.reply).toContain('Nothing was done.');
    expect(rollbacks).toEqual([]);
    expect(store.writes).toBe(0);
  });

  it('rolls back to that target, counted in the restart budget', async () => {
    const { ctx, rollbacks, store } = setup();
    const outcome = await handleCommand(typed('/rollback api'), ctx());
    expect(rollbacks).toEqual([{ toDeploymentId: 'dep-8' }]);
    expect(outcome.reply).toContain('Rolled back **API**');
    const state = await store.read();
    expect(state.services.api.attempts).toEqual([
      expect.objectContaining({ action: 'rollback', by: 'alice' }),
    ]);
  });

  it('probes first: a service that recovered since its last stored check is not rolled back', async () => {
    const record = emptyRecord(0);
    const state = {
      ...emptyState(),
      services: {
        api: {
          ...record,
          health: { ...record.health, status: 'down' as const, consecutiveFailures: 3, lastCheckAt: 1 },
        },
      },
    };
    const s = setup();
    await s.store.update(() => state);
    s.engine.probe = async (service) => ({
      service: service.id,
      ok: true,
      kind: 'ok',
      status: 200,
      responseMs: 31,
      at: s.clock.now(),
    });
    const outcome = await handleCommand(typed('/rollback api'), s.ctx());
    expect(outcome.reply).toContain('Not rolling back API: it answers healthy now (HTTP 200 in 31 ms)');
    expect(s.rollbacks).toEqual([]);
  });

  it('never rolls back a service whose latest check passed', async () => {
    const record = emptyRecord(0);
    const state = {
      ...emptyState(),
      services: {
        api: {
          ...record,
          health: { ...record.health, status: 'up' as const, consecutiveSuccesses: 3, lastCheckAt: 1 },
        },
      },
    };
    const s = setup();
    await s.store.update(() => state);
    const outcome = await handleCommand(typed('/rollback api'), s.ctx());
    expect(outcome.reply).toContain('Not rolling back API: its latest check passed.');
    expect(s.rollbacks).toEqual([]);
  });
});
