/**
 * A new user's first contact with the CLI, in-process against loopback servers: `init` for every provider
 * (flags and questions), emergency commands that need only their service's settings and a person's
 * `--force`, and messages that say the true thing.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../../cli/main.js';
import { colorsEnabled } from '../../cli/io.js';
import { parseConfigText } from '../../src/config/load.js';
import { FileIncidentLog } from '../../src/incidents/file.js';
import { FileStateStore } from '../../src/state/file.js';
import { emptyRecord, recordAttempt } from '../../src/state/records.js';
import { closeAllTestServers, refusedUrl, startTestServer, type TestServer } from '../helpers/servers.js';
import { runCli } from './run.js';

let dir: string;
let api: TestServer;
const env = { PATH: process.env.PATH, HOME: process.env.HOME };

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'uptime-first-contact-'));
  api = await startTestServer({ kind: 'up' });
});

afterAll(async () => {
  await closeAllTestServers();
  await rm(dir, { recursive: true, force: true });
});

const folder = (name: string) => mkdtemp(join(dir, `${name}-`));
const configIn = (cwd: string) => readFile(join(cwd, '.github', 'uptime.yml'), 'utf8');

describe('init', () => {
  it.each([
    ['railway', '--service-id'],
    ['render', '--service-id'],
    ['fly', '--service-id'],
    ['heroku', '--service-id'],
    ['webhook', '--webhook-url'],
    ['command', '--restart'],
  ])('--provider %s without its setting: exit 2 naming %s, nothing written', async (provider, flag) => {
    const cwd = await folder(`no-${provider}`);
    const r = await runCli(['init', '--service', `api=${api.url}`, '--provider', provider], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`--provider ${provider} needs ${flag} for api`);
    expect(existsSync(join(cwd, '.github'))).toBe(false);
  });

  it('pairs the n-th --service-id with the n-th --service; a count that differs, or a flag of another provider, is refused', async () => {
    const cwd = await folder('pairs');
    const two = await runCli(
      [
        'init',
        '--service',
        `api=${api.url}`,
        '--service',
        `web=${api.origin}/web`,
        '--provider',
        'railway',
        '--service-id',
        'svc-api',
        '--service-id',
        'svc-web',
        '--environment-id',
        'env-prod',
      ],
      { cwd },
    );
    expect(two.code).toBe(0);
    const config = parseConfigText(await configIn(cwd), 'written', {});
    expect(config.services.api.recovery).toMatchObject({ serviceId: 'svc-api', environmentId: 'env-prod' });
    expect(config.services.web.recovery).toMatchObject({ serviceId: 'svc-web' });
    const short = await runCli(
      [
        'init',
        '--service',
        `a=${api.url}`,
        '--service',
        `b=${api.url}`,
        '--provider',
        'render',
        '--service-id',
        'x',
      ],
      { cwd: await folder('short') },
    );
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('1 --service-id for 2 --service');
    const wrong = await runCli(
      [
        'init',
        '--service',
        `a=${api.url}`,
        '--provider',
        'command',
        '--service-id',
        'x',
        '--restart',
        'true',
      ],
      { cwd: await folder('wrong') },
    );
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toContain(
      '--service-id does not apply to --provider command; it takes --restart, --redeploy',
    );
  });

  it('the command provider writes only the actions it has commands for', async () => {
    const restartOnly = await folder('cmd-restart');
    expect(
      (
        await runCli(['init', '--service', `api=${api.url}`, '--provider', 'command', '--restart', 'true'], {
          cwd: restartOnly,
        })
      ).code,
    ).toBe(0);
    const a = parseConfigText(await configIn(restartOnly), 'written', {});
    expect(a.services.api.recovery).toMatchObject({
      provider: 'command',
      restart: 'true',
      actions: ['restart'],
    });
    expect(await configIn(restartOnly)).not.toMatch(/serviceId|redeploy/);
    const both = await folder('cmd-both');
    await runCli(
      [
        'init',
        '--service',
        `api=${api.url}`,
        '--provider',
        'command',
        '--restart',
        'true',
        '--redeploy',
        './deploy.sh',
      ],
      { cwd: both },
    );
    expect(parseConfigText(await configIn(both), 'written', {}).services.api.recovery).toMatchObject({
      redeploy: './deploy.sh',
      actions: ['restart', 'redeploy'],
    });
  });

  it('in a terminal it asks each provider for its own setting: the command provider for its commands', async () => {
    const answers = (list: string[]) => {
      const questions: string[] = [];
      return {
        questions,
        ask: async (q: string) => {
          questions.push(q);
          return list.shift() ?? '';
        },
      };
    };
    const cwd = await folder('ask');
    const a = answers([
      'api',
      api.url,
      'command',
      'systemctl restart api',
      '',
      'web',
      api.url,
      'railway',
      'svc-web',
      'env-1',
      '',
    ]);
    const out: string[] = [];
    const code = await main(['init'], {
      out: (t) => out.push(t),
      err: (t) => out.push(t),
      env,
      cwd,
      ask: a.ask,
    });
    expect(code).toBe(0);
    expect(a.questions.join('\n')).toContain('Shell command that restarts api');
    expect(a.questions.join('\n')).not.toMatch(/command service ID/i);
    expect(a.questions.join('\n')).toContain('Railway service ID of web');
    const text = await configIn(cwd);
    expect(text).not.toContain('serviceId: systemctl');
    const config = parseConfigText(text, 'written', {});
    expect(config.services.api.recovery).toMatchObject({
      provider: 'command',
      restart: 'systemctl restart api',
      actions: ['restart'],
    });
    expect(config.services.web.recovery).toMatchObject({
      provider: 'railway',
      serviceId: 'svc-web',
      environmentId: 'env-1',
    });
  });

  it('adds .uptime/ to .gitignore once, after what is there; numbers its next steps 1, 2, 3', async () => {
    const cwd = await folder('gitignore');
    await writeFile(join(cwd, '.gitignore'), 'node_modules');
    const r = await runCli(
      ['init', '--service', `api=${api.url}`, '--provider', 'fly', '--service-id', 'my-app'],
      { cwd },
    );
    expect(r.stdout).toContain('added .uptime/ to .gitignore');
    expect([...r.stdout.matchAll(/^ {2}(\d+)\. /gm)].map((m) => m[1])).toEqual(['1', '2', '3']);
    expect(r.stdout).toContain('FLY_API_TOKEN');
    await runCli(['init', '--force', '--service', `api=${api.url}`], { cwd });
    const ignore = await readFile(join(cwd, '.gitignore'), 'utf8');
    expect(ignore.split('\n').filter((l) => l === '.uptime/')).toHaveLength(1);
    expect(ignore.startsWith('node_modules\n')).toBe(true);
    // Without a provider there is no secret: steps 1 and 2, still in order.
    const none = await runCli(['init', '--force', '--service', `api=${api.url}`], { cwd });
    expect([...none.stdout.matchAll(/^ {2}(\d+)\. /gm)].map((m) => m[1])).toEqual(['1', '2']);
  });

  it('a recovery key of another provider is named as such, never "did you mean" itself', async () => {
    const cwd = await folder('dym');
    await mkdir(join(cwd, '.github'));
    await writeFile(
      join(cwd, '.github', 'uptime.yml'),
      `services:\n  api:\n    url: ${api.url}\n    recovery: { provider: command, serviceId: systemctl restart api, restart: x }\n`,
    );
    const r = await runCli(['check'], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown key "serviceId" (not a key of the command provider)');
    expect(r.stderr).not.toContain('did you mean "serviceId"');
    expect(r.stderr).toContain('provider, restart, redeploy, rollback, cwd, env, timeout, actions');
  });
});

/** A project whose `api` restarts with `true` (the loopback server is up), beside an unset notify secret and another service's unset URL. */
async function emergencyProject(): Promise<string> {
  const cwd = await folder('emergency');
  await mkdir(join(cwd, '.github'));
  await writeFile(
    join(cwd, '.github', 'uptime.yml'),
    [
      'restartBudget: 2',
      'notify:',
      '  - type: webhook',
      '    url: https://hooks.example.com/ops',
      '    secret: ${UPTIME_HOOK_SECRET}',
      'services:',
      '  api:',
      '    name: API',
      `    url: ${api.url}`,
      '    recovery: { provider: command, restart: "true", rollback: "true", actions: [restart, rollback] }',
      '  other:',
      '    url: ${OTHER_URL}',
      '',
    ].join('\n'),
  );
  return cwd;
}

/** Two recoveries of `api` in the last minutes: the budget (2) is used up. */
async function useUpBudget(cwd: string): Promise<void> {
  const store = new FileStateStore(join(cwd, '.uptime', 'state.json'));
  const now = Date.now();
  await store.update((state) => {
    let record = emptyRecord(now - 600_000);
    for (const ago of [300_000, 120_000])
      record = recordAttempt(record, {
        id: `a${ago}`,
        action: 'restart',
        trigger: 'down',
        at: now - ago,
        durationMs: 1000,
        providerOk: true,
        healthy: false,
        detail: 'exited 0',
      });
    return { ...state, services: { ...state.services, api: record } };
  });
}

describe('emergency commands need only their service, and a person may go past the budget', () => {
  it('restart and rollback --dry-run work with an unrelated ${VAR} unset; check, which reads everything, does not', async () => {
    const cwd = await emergencyProject();
    const check = await runCli(['check'], { cwd, env });
    expect(check.code).toBe(2);
    expect(check.stderr).toContain('UPTIME_HOOK_SECRET');
    const dry = await runCli(['rollback', 'api', '--dry-run'], { cwd, env });
    // It reads only api's settings (no word of the unset variable) and then looks at api now: a rollback
    // of a service that answers healthy is refused (it would replace a working deployment).
    expect(dry.code).toBe(1);
    expect(dry.stderr).not.toContain('UPTIME_HOOK_SECRET');
    expect(dry.stderr).toContain('Not rolling back API: it answers healthy now');
    const restart = await runCli(['restart', 'api'], { cwd, env });
    expect({ code: restart.code, err: restart.stderr }).toEqual({ code: 0, err: '' });
    expect(restart.stdout).toContain('API: restart done, healthy');
    const unknown = await runCli(['restart', 'nope'], { cwd, env });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('Known services: api, other');
  });

  it('a used-up budget refuses, naming the action and --force; --force --reason goes past it, recorded with who and why', async () => {
    const cwd = await emergencyProject();
    await useUpBudget(cwd);
    const incidents = new FileIncidentLog(join(cwd, '.uptime', 'incidents.json'));
    const service = { id: 'api', name: 'API' } as Parameters<typeof incidents.open>[0];
    await incidents.open(service, 'down', 'API is down', Date.now() - 600_000);
    const refused = await runCli(['restart', 'api'], { cwd, env });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('Not restarting API: the restart budget is used up (2 of 2');
    expect(refused.stderr).toContain('--force');
    const rollback = await runCli(['rollback', 'api'], { cwd, env });
    expect(rollback.code).toBe(1);
    expect(rollback.stderr).toContain('Not rolling back API: the restart budget is used up');
    const noForce = await runCli(['restart', 'api', '--reason', 'x'], { cwd, env });
    expect(noForce.code).toBe(2);
    expect(noForce.stderr).toContain('--reason goes with --force');
    const forced = await runCli(['restart', 'api', '--force', '--reason', 'customers waiting, DB fixed'], {
      cwd,
      env: { ...env, USER: 'alice' },
    });
    expect({ code: forced.code, err: forced.stderr }).toEqual({ code: 0, err: '' });
    expect(forced.stdout).toContain('forced past the budget: the restart budget is used up (2 of 2');
    const state = JSON.parse(readFileSync(join(cwd, '.uptime', 'state.json'), 'utf8'));
    const last = state.services.api.attempts.at(-1);
    expect(last).toMatchObject({ action: 'restart', trigger: 'command', by: 'alice (cli)', healthy: true });
    expect(last.forced).toContain('reason: customers waiting, DB fixed');
    const log = readFileSync(join(cwd, '.uptime', 'incidents.md'), 'utf8');
    expect(log).toContain('asked by @alice (cli), forced past the budget');
    expect(log).toContain('reason: customers waiting, DB fixed');
    // status --json gives the repair's time as ISO 8601, with who forced it.
    const full = { ...env, OTHER_URL: api.url, UPTIME_HOOK_SECRET: 'a-long-enough-secret' };
    const status = JSON.parse((await runCli(['status', '--json'], { cwd, env: full })).stdout);
    expect(status.services.api.lastRepair.at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(status.services.api.lastRepair.forced).toContain('customers waiting');
    expect(JSON.stringify(status)).not.toMatch(/:\s*1\d{12}\b/);
    // The healthy answer that verified the forced restart counts as a check: up, never "Checks 0/n ok".
    expect(status.services.api).toMatchObject({ status: 'up', checks: { ok: 1 } });
  });
});

describe('messages that say the true thing', () => {
  it('status with nothing saved points to sweep, not to check (which saves nothing)', async () => {
    const cwd = await folder('status-empty');
    await runCli(['init', '--service', `api=${api.url}`], { cwd });
    const r = await runCli(['status'], { cwd });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Run `uptime-action sweep`');
    expect(r.stdout).toContain('`check` saves nothing');
  });

  it('a service a sweep brought back shows up with the healthy answer counted: Checks 1/2, not 0/1', async () => {
    const cwd = await folder('recovered');
    const flag = join(cwd, 'healthy');
    const flaky = await startTestServer({
      kind: 'custom',
      handle: (_req, res) => {
        res.writeHead(existsSync(flag) ? 200 : 503);
        res.end(existsSync(flag) ? 'ok' : 'no');
      },
    });
    await mkdir(join(cwd, '.github'));
    await writeFile(
      join(cwd, '.github', 'uptime.yml'),
      `mode: extreme\nservices:\n  api:\n    url: ${flaky.url}\n    recovery: { provider: command, restart: "touch ${flag}" }\n`,
    );
    const sweep = await runCli(['sweep'], { cwd });
    expect(sweep.code).toBe(0);
    const status = await runCli(['status'], { cwd });
    expect(status.stdout).toMatch(/api: UP/);
    // The failed check, and the healthy answer that verified the restart.
    expect(status.stdout).toMatch(/Checks: +1\/2 ok/);
  });

  it('a failed expect.status says what was expected and what came', async () => {
    const cwd = await folder('expect');
    await mkdir(join(cwd, '.github'));
    await writeFile(
      join(cwd, '.github', 'uptime.yml'),
      `services:\n  api:\n    url: ${api.url}\n    expect: { status: 201 }\n`,
    );
    const r = await runCli(['check'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('HTTP 200, expected 201');
  });

  it('check and the first sweep say the same of an outage: degraded and failing in normal, down in extreme', async () => {
    const url = await refusedUrl();
    for (const [mode, expected] of [
      ['normal', { overall: 'degraded', status: 'degraded', failing: true, down: [] }],
      ['extreme', { overall: 'down', status: 'down', failing: undefined, down: ['api'] }],
    ] as const) {
      const cwd = await folder(`words-${mode}`);
      await mkdir(join(cwd, '.github'));
      await writeFile(
        join(cwd, '.github', 'uptime.yml'),
        `mode: ${mode}\nservices:\n  api:\n    url: ${url}\n`,
      );
      const check = JSON.parse((await runCli(['check', '--json'], { cwd })).stdout);
      const sweep = JSON.parse((await runCli(['sweep', '--json'], { cwd })).stdout);
      // One status definition (src/report/status.ts): the same overall status, the same per-service status
      // and `failing` flag, the same downServices (docs/cli.md).
      const said = (json: typeof check) => ({
        overall: json.status,
        status: json.services.api.status,
        failing: json.services.api.failing,
        down: json.downServices,
      });
      expect({ mode, check: said(check), sweep: said(sweep) }).toEqual({
        mode,
        check: expected,
        sweep: expected,
      });
      expect(check.failingServices).toEqual(mode === 'normal' ? ['api'] : undefined);
      // Times are ISO 8601 in every --json, never epoch milliseconds.
      for (const json of [check, sweep]) {
        expect(json.checkedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
        expect(JSON.stringify(json)).not.toMatch(/:\s*1\d{12}\b/);
      }
    }
  });

  it('a short secret from a variable: says too short, names the variable, never quotes it', async () => {
    const cwd = await emergencyProject();
    const r = await runCli(['check'], {
      cwd,
      env: { ...env, UPTIME_HOOK_SECRET: 'abcdefg', OTHER_URL: api.url },
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      'the value of ${UPTIME_HOOK_SECRET} is too short: must be at least 8 characters',
    );
    expect(r.stderr).not.toContain('abcdefg');
    expect(r.stderr).not.toContain('out of range');
  });

  it('NO_COLOR wins over FORCE_COLOR', () => {
    expect(colorsEnabled({ NO_COLOR: '1', FORCE_COLOR: '1' }, true)).toBe(false);
    expect(colorsEnabled({ FORCE_COLOR: '1' }, false)).toBe(true);
  });

  it('no "seed" in a message or a doc a user reads', async () => {
    const r = await runCli(['check'], { cwd: await folder('no-config') });
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/seed/i);
    expect(r.stderr).toContain('uptime-action init');
    const read = [
      'README.md',
      'action.yml',
      'app.yml',
      'docs/cli.md',
      'docs/configuration.md',
      'docs/migrating.md',
    ];
    for (const file of read)
      expect({ file, seed: /\bseed/i.test(readFileSync(file, 'utf8')) }).toEqual({ file, seed: false });
    expect((await runCli(['--help'])).stdout).not.toMatch(/seed/i);
  });
});
