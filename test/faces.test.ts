import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { watchRepository, type AppAuth } from '../bot/watch.js';
import { scheduledRun } from './action/scheduled-run.js';
import type { RunSweepResult } from '../src/run/sweep.js';
import { silentLogger } from '../src/util/logger.js';
import { runCli } from './cli/run.js';
import { testOctokit } from './github/fixtures.js';
import { virtualClock } from './helpers/clock.js';
import { startGitHubStub, type GitHubStub } from './helpers/github-stub.js';
import { closeAllTestServers, refusedUrl, startTestServer, type TestServer } from './helpers/servers.js';
import { startReceiver, type Receiver } from './notify/receiver.js';

/**
 * One product: the same world (loopback services, one config, an empty state) through the three faces — the
 * CLI's `sweep --json`, the Action's core call (`runActionEvent`) and the bot's hosted watch — gives the same
 * overall status, the same status per service, the same planned actions and the same notifications (a real
 * webhook receiver on 127.0.0.1). Two sweeps each, in normal mode (two failures before "down"):
 *
 * 1. `api` healthy, `web` answers 503, `db` refuses connections: both failed once, not yet down —
 *    `degraded` (failing) everywhere, overall `degraded`, nothing planned, nothing told.
 * 2. `web` healthy again, `db` fails again: `db` is down, has no recovery, so it is escalated to people —
 *    overall `down`, `db: escalate` planned, `down` and `escalated` told once.
 */

let api: TestServer;
let web: TestServer;
let dbUrl: string;
let receiver: Receiver;
const cleanups: Array<() => Promise<unknown>> = [];

beforeAll(async () => {
  [api, web, dbUrl, receiver] = await Promise.all([
    startTestServer(),
    startTestServer(),
    refusedUrl(),
    startReceiver(),
  ]);
});
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((c) => c()));
});
afterAll(async () => {
  await receiver.close();
  await closeAllTestServers();
});

const CONFIG = () => `mode: normal
services:
  api: { name: API, url: "${api.url}", timeout: 2s }
  web: { name: Web, url: "${web.url}", timeout: 2s }
  db: { name: Database, url: "${dbUrl}", timeout: 2s }
notify:
  - { type: webhook, url: "${receiver.origin}/hook" }
`;

/** What every face must agree on, from its own output. */
interface Seen {
  status: string;
  services: Record<string, { status: string; failing: boolean; planned: string[] }>;
}

/** The world before sweep 1 and before sweep 2. */
const worldForSweep = (n: 1 | 2) => web.set(n === 1 ? { kind: 'status', status: 503 } : { kind: 'up' });

interface ReportService {
  status: string;
  failing?: boolean;
  plannedItems?: Array<{ action: string; trigger: string; reason: string }>;
  planned?: Array<{ action: string; trigger: string; reason: string }> | string[];
}

function seen(status: string, services: Record<string, ReportService>): Seen {
  return {
    status,
    services: Object.fromEntries(
      Object.entries(services).map(([id, s]) => [
        id,
        {
          status: s.status,
          failing: s.failing === true,
          planned: (s.plannedItems ?? s.planned ?? []).map((p) =>
            typeof p === 'string' ? p : `${p.action} (${p.trigger}): ${p.reason}`,
          ),
        },
      ]),
    ),
  };
}

/** The notifications the receiver got since `from`: service, transition and reason. */
function toldSince(from: number): string[] {
  return receiver.requests.slice(from).map((r) => {
    const body = JSON.parse(r.body) as { service: string; transition: string; reason: string };
    return `${body.service}:${body.transition}: ${body.reason}`;
  });
}

async function viaCli(): Promise<Seen[]> {
  const dir = await mkdtemp(join(tmpdir(), 'uptime-faces-cli-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'uptime.yml'), CONFIG());
  const runs: Seen[] = [];
  for (const n of [1, 2] as const) {
    worldForSweep(n);
    const run = await runCli([
      'sweep',
      '--json',
      '--config',
      join(dir, 'uptime.yml'),
      '--state',
      join(dir, 's.json'),
    ]);
    const json = JSON.parse(run.stdout) as { status: string; services: Record<string, ReportService> };
    // Exit 1 exactly when the Action's step fails: something down at the end.
    expect(run.code).toBe(json.status === 'down' ? 1 : 0);
    runs.push(seen(json.status, json.services));
  }
  return runs;
}

async function stub(): Promise<GitHubStub> {
  const github = await startGitHubStub({ owner: 'acme', repo: 'shop', defaultBranch: 'main' });
  cleanups.push(() => github.close());
  return github;
}

async function viaAction(): Promise<Seen[]> {
  const github = await stub();
  const workspace = await mkdtemp(join(tmpdir(), 'uptime-faces-action-'));
  cleanups.push(() => rm(workspace, { recursive: true, force: true }));
  await mkdir(join(workspace, '.github'));
  await writeFile(join(workspace, '.github', 'uptime.yml'), CONFIG());
  const runs: Seen[] = [];
  for (const n of [1, 2] as const) {
    worldForSweep(n);
    const result = await scheduledRun(github, workspace, {
      clock: virtualClock(Date.UTC(2026, 11, 4, 12) + n * 600_000),
    });
    const report = JSON.parse(result.outputs.report) as { services: Record<string, ReportService> };
    expect(result.failure !== undefined).toBe(result.outputs.status === 'down');
    runs.push(seen(result.outputs.status, report.services));
  }
  return runs;
}

/** The hosted watch, one sweep per session (the session ends before the next interval), two sessions. */
async function viaBot(): Promise<Seen[]> {
  const github = await stub();
  await fetch(`${github.url}/repos/acme/shop/contents/.github/uptime.yml`, {
    method: 'PUT',
    body: JSON.stringify({
      message: 'config',
      content: Buffer.from(CONFIG()).toString('base64'),
      branch: 'main',
    }),
  });
  const installation = testOctokit(github.url);
  const app: AppAuth = {
    auth: async (id?: number) =>
      id === undefined
        ? { request: async () => ({ status: 200, data: { id: 7 }, headers: {} }) }
        : installation,
  };
  const controller = new AbortController();
  const runs: Seen[] = [];
  worldForSweep(1);
  await watchRepository(
    app,
    { owner: 'acme', repo: 'shop' },
    {
      // The operator lets this bot reach private targets: the world lives on loopback.
      env: { UPTIME_PRIVATE_TARGETS: 'allow' },
      clock: virtualClock(Date.UTC(2026, 11, 4, 12)),
      logger: silentLogger,
      fetch: globalThis.fetch,
      reloadEveryMs: 5_000,
      onRun: (_repo, result: RunSweepResult) => {
        expect(result.report.sweeps).toBe(1);
        runs.push(seen(result.status, result.report.services));
        if (runs.length === 2) controller.abort();
        else worldForSweep(2);
      },
    },
    controller.signal,
  );
  return runs;
}

describe('one product: the CLI, the Action and the hosted watch run the same use case', () => {
  it('agree on the overall status, each service, the planned actions and the notifications', async () => {
    let from = receiver.requests.length;
    const cli = await viaCli();
    const toldByCli = toldSince(from);
    from = receiver.requests.length;
    const action = await viaAction();
    const toldByAction = toldSince(from);
    from = receiver.requests.length;
    const bot = await viaBot();
    const toldByBot = toldSince(from);

    // Sweep 1: two services failed once, not yet down — degraded and failing everywhere, never "down".
    expect(cli[0]).toEqual({
      status: 'degraded',
      services: {
        api: { status: 'up', failing: false, planned: [] },
        web: { status: 'degraded', failing: true, planned: [] },
        db: { status: 'degraded', failing: true, planned: [] },
      },
    });
    // Sweep 2: db is down and, with no recovery configured, escalated to people.
    expect(cli[1].status).toBe('down');
    expect(cli[1].services.web).toEqual({ status: 'up', failing: false, planned: [] });
    expect(cli[1].services.db).toMatchObject({ status: 'down', failing: false });
    expect(cli[1].services.db.planned).toEqual([
      expect.stringMatching(/^escalate \(down\): Database is down and has no recovery configured/),
    ]);
    expect(action).toEqual(cli);
    expect(bot).toEqual(cli);

    // Each face told the receiver the same transitions, each once.
    expect(toldByCli.map((t) => t.split(':').slice(0, 2).join(':')).sort()).toEqual([
      'db:down',
      'db:escalated',
    ]);
    expect(toldByAction.sort()).toEqual(toldByCli.sort());
    expect(toldByBot.sort()).toEqual(toldByCli.sort());
  }, 60_000);
});
