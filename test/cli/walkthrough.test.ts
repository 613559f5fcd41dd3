/**
 * Docs are tests: the README's five-minute setup and each provider page's `init`, run word for word (the
 * commands are read from the Markdown) by the CLI bundle `npm run bundle` makes, as real processes in a
 * temporary folder, against services, and a Railway API, on 127.0.0.1. The only words replaced are the
 * README's `npx github:superparty/uptime-action` (→ `node dist/cli.js` of the bundle) and the example
 * hosts (→ loopback servers).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../src/config/load.js';
import { closeAllTestServers, refusedUrl, startTestServer, type TestServer } from '../helpers/servers.js';
import { runCli } from './run.js';
import { startRailwayServer, type RailwayServer } from '../helpers/railway-server.js';
import { cliArgs, fencedBlocks, section, shellCommands, type DocCommand } from '../helpers/doc-commands.js';
import { buildCli, runBuilt, type ProcessRun } from './built.js';

const README = readFileSync('README.md', 'utf8');
const PROVIDERS = ['railway', 'render', 'fly', 'heroku', 'webhook', 'command'];

let built: Awaited<ReturnType<typeof buildCli>>;
let dir: string;
let api: TestServer;

beforeAll(async () => {
  built = await buildCli();
  dir = await mkdtemp(join(tmpdir(), 'uptime-walkthrough-'));
  api = await startTestServer({ kind: 'up' });
}, 60_000);

afterAll(async () => {
  await closeAllTestServers();
  await built?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** The documented line with the example hosts pointed at loopback servers. */
function localize(args: string[], hosts: Record<string, string>): string[] {
  return args.map((a) => Object.entries(hosts).reduce((s, [from, to]) => s.split(from).join(to), a));
}

/** Runs one documented line in `cwd` with the bundle; `env` adds to the line's own `NAME=value` words. */
function runDoc(
  command: DocCommand,
  cwd: string,
  hosts: Record<string, string>,
  env: NodeJS.ProcessEnv = {},
): Promise<ProcessRun> {
  return runBuilt(built.cli, localize(cliArgs(command), hosts), {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env, ...command.env },
    timeoutMs: 30_000,
  });
}

describe("the README's five-minute setup, word for word", () => {
  const setup = section(README, 'Five-minute setup');
  const commands = shellCommands(setup);
  let railway: RailwayServer;

  beforeAll(async () => {
    // The Railway world the README's words name: its service ID and its token.
    const init = commands.find((c) => cliArgs(c)[0] === 'init')!;
    const serviceId = cliArgs(init)[cliArgs(init).indexOf('--service-id') + 1];
    const token = commands.find((c) => c.env.RAILWAY_TOKEN)!.env.RAILWAY_TOKEN;
    railway = await startRailwayServer({
      state: {
        services: [{ id: serviceId, name: 'api', projectId: 'proj-1' }],
        deployments: [
          {
            id: 'dep-api-1',
            serviceId,
            environmentId: 'env-prod',
            status: 'SUCCESS',
            canRedeploy: true,
            pollsLeft: 0,
            finalStatus: 'SUCCESS',
          },
        ],
        projectTokens: { [token]: { projectId: 'proj-1', environmentId: 'env-prod' } },
      },
    });
  });

  afterAll(async () => {
    await railway?.close();
  });

  it('shows init, check, doctor, sweep, status, site and badges, each as the CLI the README names', () => {
    expect(commands.map((c) => cliArgs(c)[0])).toEqual([
      'init',
      'check',
      'doctor',
      'sweep',
      'status',
      'site',
      'badges',
    ]);
  });

  it('every step works in a fresh folder: init → check 0 → doctor 0 → sweep 0 → status → site → badges', async () => {
    const cwd = await mkdtemp(join(dir, 'readme-'));
    const hosts = { 'https://api.example.com': api.origin };
    const env = { RAILWAY_API_URL: railway.url };
    const runs: Record<string, ProcessRun> = {};
    for (const command of commands) {
      const name = cliArgs(command)[0];
      const run = await runDoc(command, cwd, hosts, env);
      runs[name] = run;
      expect({ line: command.line, code: run.code, stderr: run.stderr }).toEqual({
        line: command.line,
        code: 0,
        stderr: expect.not.stringContaining('❌') as unknown as string,
      });
    }
    // init: the files the README says, the workflow the README shows, numbered next steps, .uptime/ ignored.
    const workflow = await readFile(join(cwd, '.github/workflows/uptime.yml'), 'utf8');
    expect(workflow).toBe(readFileSync('examples/workflows/uptime.yml', 'utf8'));
    expect(fencedBlocks(setup, 'yaml')).toContain(workflow);
    expect(await readFile(join(cwd, '.gitignore'), 'utf8')).toMatch(/^\.uptime\/$/m);
    const steps = [...runs.init.stdout.matchAll(/^ {2}(\d+)\. /gm)].map((m) => Number(m[1]));
    expect(steps).toEqual([1, 2, 3]);
    expect(runs.init.stdout).toContain('add the repository secret RAILWAY_TOKEN');
    // check and doctor saw the service up and the token, ID and permission right.
    expect(runs.check.stdout).toMatch(/UP: 1 of 1 services healthy/);
    expect(runs.doctor.stdout).not.toContain('❌');
    expect(railway.requests.length).toBeGreaterThan(0);
    expect(railway.invalidDocuments).toEqual([]);
    // sweep saved the state; status shows it, with a true count; site and badges wrote and printed.
    expect(existsSync(join(cwd, '.uptime/state.json'))).toBe(true);
    expect(runs.status.stdout).toMatch(/api/);
    expect(runs.status.stdout).not.toContain('No checks recorded');
    expect(runs.status.stdout).toMatch(/Checks: +1\/1 ok/);
    expect(existsSync(join(cwd, 'public/index.html'))).toBe(true);
    expect(runs.badges.stdout).toContain(
      encodeURIComponent('https://status.example.com/badges/api/status.json'),
    );
    // No restart was needed: the service was up the whole time.
    expect(railway.state.restarts).toEqual([]);
  }, 90_000);

  it('a README edit that breaks a documented command makes the walkthrough fail', async () => {
    const broken = shellCommands(
      section(README.replace('--service-id', '--serviceid'), 'Five-minute setup'),
    ).find((c) => cliArgs(c)[0] === 'init')!;
    const run = await runDoc(broken, await mkdtemp(join(dir, 'broken-')), {});
    expect(run.code).toBe(2);
  });
});

describe("the README's CLI section", () => {
  it('each command runs in the folder the setup made: check, sweep, doctor exit 0; watch runs until stopped', async () => {
    const commands = shellCommands(section(README, 'The CLI'));
    expect(commands.map((c) => cliArgs(c)[0])).toEqual(['check', 'sweep', 'watch', 'doctor']);
    const cwd = await mkdtemp(join(dir, 'cli-section-'));
    const local = { 'https://api.example.com': api.origin };
    expect((await runCli(['init', '--service', `api=${api.url}`], { cwd })).code).toBe(0);
    for (const command of commands) {
      const args = localize(cliArgs(command), local);
      if (args[0] !== 'watch') {
        const run = await runDoc(command, cwd, local);
        expect({ line: command.line, code: run.code }).toEqual({ line: command.line, code: 0 });
        continue;
      }
      // `watch -d 10m` as written, stopped (as Ctrl-C would) once its first sweep has probed the service: the
      // sweep under way completes, and the stop saves it (a healthy watch writes at most once a minute).
      const stop = new AbortController();
      const state = join(cwd, '.uptime', 'state.json');
      const before = existsSync(state) ? readFileSync(state, 'utf8') : '';
      const probes = api.requests;
      const watching = runCli(args, { cwd, signal: stop.signal, env: { PATH: process.env.PATH } });
      for (let i = 0; i < 500 && api.requests === probes; i++) await new Promise((r) => setTimeout(r, 20));
      expect(api.requests).toBeGreaterThan(probes);
      stop.abort();
      const run = await watching;
      expect({ line: command.line, code: run.code }).toEqual({ line: command.line, code: 0 });
      expect(readFileSync(state, 'utf8')).not.toBe(before);
    }
  }, 60_000);
});

describe('each provider page: its init writes a config that check accepts', () => {
  // The six pages are independent (a folder each): their processes run side by side.
  it.concurrent.each(PROVIDERS)(
    '%s',
    async (provider) => {
      const page = readFileSync(`docs/providers/${provider}.md`, 'utf8');
      const init = shellCommands(page).find((c) => cliArgs(c)[0] === 'init');
      expect(init).toBeDefined();
      expect(cliArgs(init!)).toContain(provider);
      const cwd = await mkdtemp(join(dir, `${provider}-`));
      const hosts = { 'https://api.example.com': api.origin, 'http://127.0.0.1:8080': api.origin };
      const written = await runDoc(init!, cwd, hosts);
      expect(written.code).toBe(0);
      const check = await runBuilt(built.cli, ['check'], { cwd, env: { PATH: process.env.PATH } });
      expect({ code: check.code, stderr: check.stderr }).toEqual({ code: 0, stderr: '' });
      // The page's configs are valid configs of that provider; one of them is what init wrote.
      const written2 = parseConfigText(
        await readFile(join(cwd, '.github/uptime.yml'), 'utf8'),
        'written',
        {},
      );
      const shown = fencedBlocks(page, 'yaml').map((y) => parseConfigText(y, `${provider}.md`, {}));
      expect(shown.length).toBeGreaterThan(0);
      for (const c of shown) expect(c.services.api.recovery?.provider).toBe(provider);
      const recovery = written2.services.api.recovery!;
      if (provider === 'command')
        expect(recovery).toMatchObject({ restart: 'node server.mjs &', actions: ['restart'] });
      else if (provider === 'webhook') expect(shown[0].services.api.recovery).toMatchObject({ ...recovery });
      else expect(shown.map((c) => c.services.api.recovery)).toContainEqual(recovery);
    },
    30_000,
  );
});

/** Processes whose working folder is `cwd` (the server a documented restart left running). */
async function processesIn(cwd: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readlink(`/proc/${entry}/cwd`)) === cwd) pids.push(Number(entry));
    } catch {
      // gone, or not ours
    }
  }
  return pids;
}

describe("the command provider's documented recipe: a server restarted in the background", () => {
  it('restart returns at once, the new server answers afterwards, and check agrees', async () => {
    const page = readFileSync('docs/providers/command.md', 'utf8');
    const recipe = section(page, 'A server of your own, restarted in the background');
    const cwd = await mkdtemp(join(dir, 'command-recipe-'));
    // A free port for the documented 8080: taken from a server closed at once.
    const probe = await startTestServer({ kind: 'up' });
    const port = probe.port;
    await probe.close();
    const server = fencedBlocks(recipe, 'js')[0].split('8080').join(String(port));
    await writeFile(join(cwd, 'server.mjs'), server);
    const hosts = { '127.0.0.1:8080': `127.0.0.1:${port}` };
    const commands = shellCommands(recipe);
    expect(commands.map((c) => cliArgs(c)[0])).toEqual(['init', 'check', 'restart']);
    try {
      const init = await runDoc(commands[0], cwd, hosts);
      expect(init.code).toBe(0);
      const before = await runDoc(commands[1], cwd, hosts);
      expect(before.code).toBe(1);
      const started = Date.now();
      const restart = await runDoc(commands[2], cwd, hosts);
      const took = Date.now() - started;
      expect({ code: restart.code, stderr: restart.stderr }).toEqual({ code: 0, stderr: '' });
      expect(restart.stdout).toContain('restart done, healthy');
      // Not the command's 60 s timeout: it returned when its shell exited.
      expect(took).toBeLessThan(20_000);
      // The CLI has exited; the server it started in the background still answers.
      const answer = await fetch(`http://127.0.0.1:${port}/health`);
      expect(await answer.text()).toBe('ok');
      const after = await runDoc(commands[1], cwd, hosts);
      expect(after.code).toBe(0);
    } finally {
      for (const pid of await processesIn(cwd)) process.kill(pid, 'SIGTERM');
    }
  }, 60_000);
});

describe('docs/troubleshooting.md quotes what the code prints', () => {
  it('each quoted message is what a real run prints (or, for the Action-only ones, is in the source)', async () => {
    const doc = readFileSync('docs/troubleshooting.md', 'utf8');
    const rows = doc.split('\n').filter((l) => l.startsWith('| `'));
    expect(rows.length).toBeGreaterThan(8);
    // Real runs of the CLI that meet the situations of the table.
    const railway = await startRailwayServer();
    const up = await startTestServer({ kind: 'up' });
    const refused = await refusedUrl();
    const cwd = await mkdtemp(join(dir, 'troubleshooting-'));
    const config = (url: string, extra = '') =>
      `services:\n  api:\n    url: ${url}\n${extra}    recovery: { provider: railway, serviceId: svc-backend }\n`;
    const outputs: string[] = [];
    const run = async (yaml: string, args: string[], env: NodeJS.ProcessEnv = {}) => {
      const file = join(cwd, `c${outputs.length}.yml`);
      await writeFile(file, yaml);
      const r = await runCli([...args, '--config', file], { env: { PATH: process.env.PATH, ...env }, cwd });
      outputs.push(r.stdout + r.stderr);
    };
    try {
      await run(config(refused), ['doctor']);
      await run(config(up.url), ['doctor'], { RAILWAY_TOKEN: 'not-a-token', RAILWAY_API_URL: railway.url });
      const railwayDown = await refusedUrl('/graphql/v2');
      await run(config(up.url), ['doctor'], { RAILWAY_TOKEN: 'not-a-token', RAILWAY_API_URL: railwayDown });
      await run(config(up.url, '    expect: { status: 201 }\n'), ['check']);
      await run(config(up.url, '    timeout: 10\n'), ['check']);
    } finally {
      await railway.close();
    }
    const printed = outputs.join('\n');
    const sources = ['src', 'cli', 'action', 'bot']
      .flatMap((d) => sourceFiles(d))
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const actionOnly = ['GitHub could not be reached', 'not checked', 'EMFILE', 'too busy to wait'];
    for (const row of rows) {
      const seen = /^\| `([^`]+)`/.exec(row)![1];
      const parts = seen
        .split(/…|<[a-z]+>/)
        .map((p) => p.trim())
        .filter((p) => p.length > 3);
      for (const part of parts) {
        const where = actionOnly.includes(part) || /budget/.test(part) ? sources : printed;
        expect({ part, found: where.includes(part) }).toEqual({ part, found: true });
      }
    }
  }, 60_000);
});

function sourceFiles(root: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(root)) {
    const path = join(root, name);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (path.endsWith('.ts')) out.push(path);
  }
  return out;
}
