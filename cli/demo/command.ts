import type { ChildProcess } from 'node:child_process';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveTuning } from '../../src/config/presets.js';
import { watch } from '../../src/engine/watch.js';
import type { Config } from '../../src/config/schema.js';
import type { UptimeState } from '../../src/state/types.js';
import { formatDuration } from '../../src/util/duration.js';
import { buildDeps } from '../deps.js';
import type { CommandContext } from '../context.js';
import { interruptSignal, type CliIO } from '../io.js';
import { formatEvent, renderBanner } from '../print.js';
import { renderStatus } from '../status-block.js';
import { DEMO_TIMINGS, ROLLBACK_SERVICE, demoConfig } from './config.js';
import { restartCommand, startService, stopAll, type DemoService } from './processes.js';
import { DemoPlatform } from './provider.js';
import {
  badDeployAndRollback,
  crashAndRecover,
  lastForensics,
  renderMeasurements,
  slowAndPredict,
  warmUp,
  type Measurement,
  type Stage,
} from './scenario.js';
import { EventTracker } from './tracker.js';

const SERVICES = [
  { key: 'backend', name: 'Backend Node.js' },
  { key: 'coqui', name: 'Coqui Voice Service' },
];

/** The whole demo must end within this, whatever happens. */
export const DEMO_DEADLINE_MS = 80_000;

/** One demo run's resources: its folder, its processes, the watch and how it ends. */
interface DemoSession {
  dir: string;
  /** Ctrl-C (or the test's signal). */
  interrupt: AbortSignal;
  /** Stops the watch and every wait (Ctrl-C, the deadline, a failed watch, the end). */
  stop: AbortController;
  timedOut: boolean;
  children: ChildProcess[];
  services: DemoService[];
  watching?: Promise<unknown>;
  /** The services' logs are kept (and named) when the demo failed, removed with the folder otherwise. */
  keepLogs: boolean;
  deadline?: NodeJS.Timeout;
  /** Removes the Ctrl-C handlers. */
  release(): void;
}

/**
 * `uptime-action demo` — the seed's test-recovery.js, for real: two local services as processes, watched at
 * the extreme preset (shortened timings) with the `command` provider restarting them. Crashes one, slows the
 * other down, prints detection and recovery times. Exit 0 only when both came back; leaves no process behind.
 */
export async function demoCommand(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const missing = missingDemoScripts();
  if (missing.length) {
    io.err(
      `❌ The demo needs its two small service scripts (${missing.join(', ')}), which ship in the repository and the npm package beside dist/ but not with a copied dist/cli.js alone. Run it from a clone (npm run demo) or the installed package (npx uptime-action demo).`,
    );
    return 1;
  }
  const session = await openSession(io);
  try {
    return await runDemo(ctx, session);
  } catch (error: unknown) {
    io.err(`❌ Demo failed: ${failureReason(session, error)}`);
    session.keepLogs = true;
    return 1;
  } finally {
    await closeSession(io, session);
  }
}

/** The folder, the stop signal (Ctrl-C or the deadline) and the lists the cleanup reads. */
async function openSession(io: CliIO): Promise<DemoSession> {
  const dir = await mkdtemp(join(tmpdir(), 'uptime-demo-'));
  const { signal: interrupt, dispose } = interruptSignal(io);
  const stop = new AbortController();
  const abortAll = () => stop.abort();
  interrupt.addEventListener('abort', abortAll, { once: true });
  const session: DemoSession = {
    dir,
    interrupt,
    stop,
    timedOut: false,
    children: [],
    services: [],
    keepLogs: false,
    release: () => {
      interrupt.removeEventListener('abort', abortAll);
      dispose();
    },
  };
  session.deadline = setTimeout(() => {
    session.timedOut = true;
    abortAll();
  }, DEMO_DEADLINE_MS);
  return session;
}

/** Why the demo failed, in words. */
function failureReason(session: DemoSession, error: unknown): string {
  if (session.timedOut) return `it did not finish within ${formatDuration(DEMO_DEADLINE_MS)}`;
  if (session.interrupt.aborted) return 'interrupted (Ctrl-C)';
  return error instanceof Error ? error.message : String(error);
}

/** Stops the watch and every process; keeps the folder (and says where) when the demo failed. */
async function closeSession(io: CliIO, session: DemoSession): Promise<void> {
  const { dir, stop } = session;
  clearTimeout(session.deadline);
  stop.abort();
  await session.watching?.catch(() => undefined);
  const problems = await stopAll(session.services, session.children);
  for (const problem of problems) io.err(`⚠️  cleanup: ${problem}`);
  if (session.keepLogs) io.err(`📄 The services' logs are kept in ${dir}`);
  else await rm(dir, { recursive: true, force: true });
  session.release();
}

/** The demo itself: start the services, watch them, run the stages, print the figures. */
async function runDemo(ctx: CommandContext, session: DemoSession): Promise<number> {
  const { io } = ctx;
  const { dir, stop, services, children } = session;
  for (const s of SERVICES)
    services.push({ ...s, port: 0, pidfile: join(dir, `${s.key}.pid`), logfile: join(dir, `${s.key}.log`) });
  for (const s of services) children.push(await startService(s, process.pid));
  const { config, tracker, deps, store, platform } = demoWorld(ctx, services, dir);
  printIntro(io, config, services, children);
  let lastState: UptimeState | undefined;
  const watching = watch(deps, store, {
    signal: stop.signal,
    persist: 'always',
    onSweep: (r) => void (lastState = r.state),
  });
  session.watching = watching;
  watching.catch(() => stop.abort());
  const stage: Stage = { tracker, out: io.out, signal: stop.signal, now: ctx.now };
  const measurements = await runStages(ctx, stage, services, platform, dir);
  const forensics = lastForensics(await readFile(join(dir, 'incidents.md'), 'utf8').catch(() => ''));
  io.out(`🔎 The incident's forensics (as posted on the incident):\n${forensics ?? '(none written)'}`);
  stop.abort();
  await watching;
  io.out('\n━━ 5/5 Status and figures ━━');
  if (lastState) io.out(renderStatus(config, lastState, { mode: 'extreme', now: ctx.now() }));
  io.out(renderMeasurements(measurements));
  const ok = measurements.every((m) => m.ok);
  session.keepLogs = !ok;
  io.out(ok ? '🎉 Every service came back.' : '❌ Not every service came back as it should.');
  return ok ? 0 : 1;
}

/** The config, the engine's deps with every event printed, and the local platform that keeps deployments. */
function demoWorld(ctx: CommandContext, services: DemoService[], dir: string) {
  const { io } = ctx;
  const config = demoConfig(services, process.pid, dir);
  const tracker = new EventTracker();
  const { deps, store } = buildDeps(config, {
    env: io.env,
    logger: ctx.logger,
    statePath: join(dir, 'state.json'),
    incidents: 'file',
    onEvent: (event) => {
      tracker.push(event);
      const line = formatEvent(event, config, { now: ctx.now, verbose: true });
      if (line) io.out(line);
    },
  });
  // The demo's local platform keeps a deployment list: v1 went out two days ago.
  const platform = new DemoPlatform(deps.provider('command'), dir);
  for (const s of services)
    platform.deployments.set(s.key, [
      {
        id: `${s.key}-v1`,
        version: '1',
        status: 'SUCCESS',
        createdAt: new Date(ctx.now() - 2 * 86_400_000).toISOString(),
        commitSha: '1f3a9c2e7b',
        commitMessage: 'v1: stable',
      },
    ]);
  const demoProvider = platform.provider();
  deps.provider = () => demoProvider;
  return { config, tracker, deps, store, platform };
}

/** The banner (with the shortened timings) and where the services listen. */
function printIntro(io: CliIO, config: Config, services: DemoService[], children: ChildProcess[]): void {
  const shortened = `✂️  Demo timings are SHORTENED to finish fast: interval ${formatDuration(DEMO_TIMINGS.healthCheckInterval)}, probe timeout ${formatDuration(DEMO_TIMINGS.timeout)}, slow above ${formatDuration(DEMO_TIMINGS.slowResponseThreshold)}, restart delay ${formatDuration(DEMO_TIMINGS.restartAttemptDelay)} (the real extreme preset: 5s, 10s, 5s, 10s).`;
  io.out(renderBanner(config, 'extreme', resolveTuning(config), shortened));
  io.out(
    `🧪 Services: ${services.map((s) => `${s.name} on 127.0.0.1:${s.port} (pid ${children[services.indexOf(s)].pid})`).join(', ')}`,
  );
}

/** Stages 1 to 4: warm up, crash, slow death, bad deploy; the figures of the last three. */
async function runStages(
  ctx: CommandContext,
  stage: Stage,
  services: DemoService[],
  platform: DemoPlatform,
  dir: string,
): Promise<Measurement[]> {
  const { io } = ctx;
  const [backend, coqui] = services;
  const measurements: Measurement[] = [];
  io.out('\n━━ 1/5 Both services up: a few checks ━━');
  await warmUp(stage, services);
  io.out(`\n━━ 2/5 Crash: kill -9 the ${backend.name} process ━━`);
  measurements.push(await crashAndRecover(stage, backend));
  io.out(`\n━━ 3/5 Slow death: ${coqui.name} answers slower and slower ━━`);
  measurements.push(await slowAndPredict(stage, coqui));
  const bad = services.find((s) => s.key === ROLLBACK_SERVICE) ?? backend;
  io.out(`\n━━ 4/5 Bad deploy: v2 of ${bad.name} fails its health check ━━`);
  measurements.push(await badDeployAndRollback(stage, bad, () => deployBadVersion(ctx, platform, bad, dir)));
  return measurements;
}

/** The bad deploy: v2 in the platform's list, then the platform starts it (the restart script, version 2). */
async function deployBadVersion(
  ctx: CommandContext,
  platform: DemoPlatform,
  bad: DemoService,
  dir: string,
): Promise<void> {
  await platform.deploy(
    bad.key,
    {
      id: `${bad.key}-v2`,
      version: '2',
      status: 'SUCCESS',
      createdAt: new Date(ctx.now()).toISOString(),
      commitSha: '9b7e41d0c3',
      commitMessage: 'v2: new cache layer',
    },
    [
      // The release phase runs before the new version starts, so its output (with a secret the incident must
      // not show) is in the deployment's logs whenever the outage is detected, even while v2 still boots.
      `${new Date(ctx.now()).toISOString()} INFO release: migrate --database postgres://app:s3cr3t-pw@db.internal:5432/app: 2 migrations applied`,
    ],
  );
  await promisify(execFile)('/bin/sh', ['-c', restartCommand(bad, process.pid)], { cwd: dir });
}

/** The demo's service scripts that cannot be found beside this module or under ../cli/demo/ (the bundle). */
export function missingDemoScripts(): string[] {
  return ['service.mjs', 'restart.mjs'].filter(
    (name) =>
      !existsSync(fileURLToPath(new URL(`./${name}`, import.meta.url))) &&
      !existsSync(fileURLToPath(new URL(`../cli/demo/${name}`, import.meta.url))),
  );
}
