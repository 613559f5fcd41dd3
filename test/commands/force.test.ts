/**
 * People first in an emergency, through the comment pipeline: `/restart` reads only its service's settings,
 * and `/restart coqui --force` (admin only) goes past a used-up budget, recorded with who and why.
 */
import { describe, expect, it } from '@jest/globals';
import type { CommentGitHub, IssueCommentPayload } from '../../src/commands/run.js';
import { runCommentCommand } from '../../src/commands/run.js';
import { parseConfig } from '../../src/config/load.js';
import { emptyRecord, emptyState, recordAttempt } from '../../src/state/records.js';
import type { UptimeState } from '../../src/state/types.js';
import { silentLogger } from '../../src/util/logger.js';
import { fakeIncidents, handlerSetup } from './fixtures.js';

/** The repository's file: a notify target whose secret is unset, and coqui with a rollback step. */
const RAW = {
  mode: 'normal',
  restartBudget: 2,
  notify: [{ type: 'webhook', url: 'https://hooks.example.com/ops', secret: '${UPTIME_HOOK_SECRET}' }],
  services: {
    backend: { url: '${BACKEND_URL}' },
    coqui: {
      name: 'Coqui Voice Service',
      url: 'http://127.0.0.1:9/coqui',
      recovery: {
        provider: 'webhook',
        url: 'http://127.0.0.1:9/coqui-restart',
        actions: ['restart', 'rollback'],
      },
    },
  },
};

/** The real parser over RAW, through whatever `select` the pipeline passes (as octokit.ts does). */
const loadConfig: CommentGitHub['loadConfig'] = async (select) =>
  parseConfig(select ? select(structuredClone(RAW)) : structuredClone(RAW), 'repo', {});

function github(level: string) {
  const replies: string[] = [];
  const gh: CommentGitHub = {
    addReaction: async () => undefined,
    reply: async (markdown) => {
      replies.push(markdown);
    },
    getPermission: async () => ({ role_name: level }),
    loadConfig,
  };
  return { gh, replies };
}

function payload(body: string, login: string): IssueCommentPayload {
  const user = { login, type: 'User' };
  return {
    action: 'created',
    comment: { id: 1, body, user },
    issue: { number: 7, labels: [] },
    sender: user,
  };
}

/** Two recoveries of coqui a few minutes ago: the budget of 2 is used up. */
function spentState(now: number): UptimeState {
  let record = emptyRecord(now - 600_000);
  for (const ago of [300_000, 120_000]) {
    record = recordAttempt(record, {
      id: `a${ago}`,
      action: 'restart',
      trigger: 'down',
      at: now - ago,
      durationMs: 1000,
      providerOk: true,
      healthy: false,
      detail: 'restart requested',
    });
  }
  return { ...emptyState(), services: { coqui: record } };
}

async function comment(body: string, login: string, level: string, spent: boolean) {
  const config = await loadConfig((raw) => raw as never).catch(() => undefined);
  expect(config).toBeUndefined(); // the whole file does not load: its notify secret is unset
  const base = handlerSetup();
  // coqui has an open incident: the audit entry of the command goes there.
  const incidents = fakeIncidents({
    coqui: { number: 42, openedAt: base.clock.now() - 600_000, kind: 'down' },
  });
  const setup = {
    ...handlerSetup({ state: spent ? spentState(base.clock.now()) : undefined, incidents: incidents.log }),
    incidents,
  };
  const { gh, replies } = github(level);
  const result = await runCommentCommand({
    payload: payload(body, login),
    github: gh,
    services: (cfg) => ({
      store: setup.store,
      engine: { ...setup.engine, config: cfg },
      incidents: setup.incidents.log,
    }),
    clock: setup.clock,
    logger: silentLogger,
  });
  return { result, replies, setup };
}

describe('/restart and --force through the comment pipeline', () => {
  it('/restart coqui works although the file has an unset ${UPTIME_HOOK_SECRET} and another unset URL; /status does not', async () => {
    const restart = await comment('/restart coqui', 'alice', 'write', false);
    expect(restart.result).toMatchObject({ handled: true, ok: true });
    expect(restart.setup.calls).toEqual([{ op: 'restart', service: 'coqui' }]);
    const status = await comment('/status', 'alice', 'write', false);
    expect(status.result).toMatchObject({ handled: true, ok: false, stage: 'config' });
    expect(status.replies[0]).toContain('UPTIME_HOOK_SECRET');
  });

  it('a used-up budget: /restart and /rollback refused in their own words, pointing to --force', async () => {
    const restart = await comment('/restart coqui', 'alice', 'write', true);
    expect(restart.replies[0]).toContain('Not restarting Coqui Voice Service: the restart budget is used up');
    expect(restart.replies[0]).toContain('--force');
    const rollback = await comment('/rollback coqui --dry-run', 'alice', 'write', true);
    expect(rollback.replies[0]).toContain(
      'Not rolling back Coqui Voice Service: the restart budget is used up',
    );
    expect(rollback.replies[0]).not.toContain('Not restarting');
    expect(restart.setup.calls).toEqual([]);
  });

  it('--force needs admin: a write user is refused and nothing runs', async () => {
    const { result, replies, setup } = await comment('/restart coqui --force', 'alice', 'write', true);
    expect(result).toMatchObject({ handled: true, ok: false, stage: 'permission' });
    expect(replies[0]).toContain('`/restart --force` goes past the restart budget and needs admin access');
    expect(setup.calls).toEqual([]);
  });

  it('an admin forces it: the restart runs, the reply and the state say who went past what, and why', async () => {
    const { result, replies, setup } = await comment(
      '/restart coqui --force\nlogins are down, the deploy is fixed',
      'root',
      'admin',
      true,
    );
    expect(result).toMatchObject({ handled: true, ok: true });
    expect(setup.calls).toEqual([{ op: 'restart', service: 'coqui' }]);
    expect(replies[0]).toContain('forced past the budget: the restart budget is used up (2 of 2');
    expect(replies[0]).toContain('reason: logins are down, the deploy is fixed');
    const attempt = (await setup.store.read()).services.coqui.attempts.at(-1);
    expect(attempt).toMatchObject({ by: 'root', trigger: 'command', healthy: true });
    expect(attempt?.forced).toContain('reason: logins are down, the deploy is fixed');
    // The incident's audit entry: who ran it, and what the budget said and why it was overridden.
    const audit = setup.incidents.comments.find((c) => c.number === 42)?.body ?? '';
    expect(audit).toContain('@root ran `/restart coqui --force`');
    expect(audit).toContain('forced past the budget');
    expect(audit).toContain('reason: logins are down, the deploy is fixed');
  });
});
