/**
 * The chaos run: real service processes, the local Railway GraphQL server (documents validated against the
 * schema) and the local GitHub API stub, all on 127.0.0.1, with faults injected on a timeline while two
 * engines (two overlapping "runs", each with its own Octokit, state store, incident log and Railway provider)
 * watch the same services and share one state branch and one issue tracker.
 */
import { parseConfig } from '../../src/config/load.js';
import { watch } from '../../src/engine/watch.js';
import { createOctokit } from '../../src/github/octokit.js';
import { githubServices } from '../../src/run/github-services.js';
import { createRailwayProvider } from '../../src/providers/railway.js';
import type { RecoveryAttempt } from '../../src/state/types.js';
import { systemClock } from '../../src/util/clock.js';
import type { Logger } from '../../src/util/logger.js';
import { startGitHubStub } from '../../test/helpers/github-stub.js';
import { RAILWAY_FIXTURE, startRailwayServer } from '../../test/helpers/railway-server.js';
import { ServiceProcess, type Behaviour } from './processes.js';
import type { EngineEvent } from '../../src/outcome/types.js';

/** Fake secrets: grepped for in every output at the end. */
export const FAKE_SECRETS = {
  GITHUB_TOKEN: 'ghs_CHAOSfake0token0never0real00000001',
  RAILWAY_API_TOKEN: 'rw_CHAOS_fake_bearer_token_0042',
};

/** What each service does during the run. */
export const PLAN: Array<{ key: string; behaviour: Behaviour; note: string }> = [
  { key: 'crashy', behaviour: 'steady', note: 'crashes twice; a restart brings it back' },
  { key: 'gone', behaviour: 'steady', note: 'crashes once and never comes back: budget, then escalation' },
  { key: 'flappy', behaviour: 'flappy', note: 'down 2.5 s of every 8 s whatever is done' },
  { key: 'flaky', behaviour: 'flaky', note: 'every 5th answer a single 503' },
  { key: 'steady', behaviour: 'steady', note: 'always healthy; paused by a "bot" write mid-run' },
];

export interface RunnerEvent {
  runner: string;
  at: number;
  event: EngineEvent;
}

export interface ChaosRaw {
  durationMs: number;
  /** Epoch ms of the start. */
  startedAt: number;
  services: ServiceProcess[];
  events: RunnerEvent[];
  logs: string[];
  github: Awaited<ReturnType<typeof startGitHubStub>>;
  railway: Awaited<ReturnType<typeof startRailwayServer>>;
  finalState: unknown;
  /** Most incident issues open at once for one service, sampled every 100 ms. */
  maxOpenPerService: Record<string, number>;
  /** Writes made by "someone else" (the bot) during the run, to find in the final state. */
  external: Array<{ what: string; holds: (state: Record<string, unknown>) => boolean }>;
  crashes: Record<string, number>;
  faults: string[];
  /** Watch runs that stopped with an error (a new one took over). */
  failedRuns: string[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function capture(runner: string, logs: string[]): Logger {
  const put = (level: string) => (message: string) => logs.push(`[${runner}] ${level}: ${message}`);
  return { debug: put('debug'), info: put('info'), warn: put('warn'), error: put('error') };
}

/**
 * Runs the scenario for `durationMs` (≥ 40 s for every fault to fire at `timeScale` 1) and returns what
 * happened. `timeScale` < 1 fires the faults sooner (the smoke test's short run).
 */
export async function runChaos(durationMs: number, timeScale = 1): Promise<ChaosRaw> {
  const services = PLAN.map((p) => new ServiceProcess(p.key, p.behaviour));
  const serviceIds = Object.fromEntries(PLAN.map((p) => [p.key, `svc-${p.key}`]));
  const base = { projectId: RAILWAY_FIXTURE.projectId, environmentId: RAILWAY_FIXTURE.production };
  const railway = await startRailwayServer({
    pollsUntilDone: 1,
    state: {
      services: PLAN.map((p) => ({ id: serviceIds[p.key], name: p.key, projectId: base.projectId })),
      deployments: PLAN.map((p) => ({
        id: `dep-${p.key}-1`,
        serviceId: serviceIds[p.key],
        environmentId: base.environmentId,
        status: 'SUCCESS',
        canRedeploy: true,
        pollsLeft: 0,
        finalStatus: 'SUCCESS',
      })),
      bearerTokens: [FAKE_SECRETS.RAILWAY_API_TOKEN],
    },
  });
  const github = await startGitHubStub({ faults: { conflictEveryOtherStateWrite: true, latencyMs: 5 } });
  const events: RunnerEvent[] = [];
  const logs: string[] = [];
  const crashes: Record<string, number> = {};
  const faults: string[] = [];
  const failedRuns: string[] = [];
  const maxOpenPerService: Record<string, number> = {};
  const external: ChaosRaw['external'] = [];
  const timers: Array<ReturnType<typeof setInterval>> = [];
  const started = Date.now();
  try {
    await Promise.all(services.map((s) => s.start()));
    const config = parseConfig(
      {
        mode: 'extreme',
        healthCheckInterval: '1s',
        restartAttemptDelay: '1s',
        maxBackoff: '4s',
        recoveryTimeout: `${Math.max(1, Math.round(4 * timeScale))}s`,
        services: Object.fromEntries(
          services.map((s) => [
            s.name,
            {
              url: s.url,
              timeout: '1s',
              recovery: {
                provider: 'railway',
                serviceId: serviceIds[s.name],
                environmentId: base.environmentId,
              },
            },
          ]),
        ),
      },
      'chaos run',
    );
    const env = { RAILWAY_API_TOKEN: FAKE_SECRETS.RAILWAY_API_TOKEN, RAILWAY_API_URL: railway.url };
    const runner = (name: string) => {
      const logger = capture(name, logs);
      const client = createOctokit({
        token: FAKE_SECRETS.GITHUB_TOKEN,
        baseUrl: github.url,
        logger,
        pacing: { writeMs: 0, notifyMs: 0 },
        // Compressed time: a Retry-After of 1 s waits 50 ms.
        retryAfterBaseValue: 50,
        rateLimitRetries: 4,
      });
      const provider = createRailwayProvider({
        pollIntervalMs: 200,
        retryBaseDelayMs: 100,
        requestTimeoutMs: 3000,
      });
      return githubServices(config, {
        owner: github.owner,
        repo: github.repo,
        client,
        env,
        clock: systemClock,
        logger,
        fetch: globalThis.fetch,
        provider: () => provider,
        onEvent: (event) => events.push({ runner: name, at: Date.now() - started, event }),
      });
    };
    const [a, b] = [runner('run A'), runner('run B')];
    const bot = runner('bot').store;

    // The platform: a Railway restart or redeploy restarts the process, except the one that never comes back.
    let seen = 0;
    timers.push(
      setInterval(() => {
        const ids = [...railway.state.restarts, ...railway.state.redeploys];
        for (const id of ids.slice(seen)) {
          const deployment = railway.state.deployments.find((d) => d.id === id);
          const service = services.find((s) => serviceIds[s.name] === deployment?.serviceId);
          if (service && service.name !== 'gone') void sleep(300).then(() => service.restart());
        }
        seen = ids.length;
        const open: Record<string, number> = {};
        for (const issue of github.openIssues('incident'))
          for (const label of issue.labels.filter((l) => l.startsWith('service:')))
            open[label] = (open[label] ?? 0) + 1;
        for (const [label, n] of Object.entries(open))
          maxOpenPerService[label] = Math.max(maxOpenPerService[label] ?? 0, n);
      }, 100),
    );

    const crash = (name: string) => {
      crashes[name] = (crashes[name] ?? 0) + 1;
      faults.push(`${Math.round((Date.now() - started) / 1000)} s: ${name} crashed`);
      return services.find((s) => s.name === name)!.crash();
    };
    const at = (seconds: number, fn: () => Promise<unknown> | void) =>
      sleep(Math.max(0, started + seconds * 1000 * timeScale - Date.now())).then(fn);
    const note = (text: string) => faults.push(`${Math.round((Date.now() - started) / 1000)} s: ${text}`);

    const scenario = Promise.all([
      at(3, () => {
        railway.inject.httpError(502, 2);
        railway.inject.rateLimit(1, 2);
        note('Railway answers the next 2 requests 502, then 2 × 429 (Retry-After 1 s)');
      }),
      at(4, () => crash('crashy')),
      at(6, async () => {
        await bot.update((s) => ({ ...s, mode: 'extreme', modeSetBy: 'chaos-bot' }));
        await bot.update((s) => ({
          ...s,
          pauses: { ...s.pauses, steady: { at: Date.now(), by: 'chaos-bot' } },
        }));
        note('the bot writes /mode extreme and /pause steady to the state branch');
        external.push(
          { what: '/mode extreme by the bot', holds: (s) => s.modeSetBy === 'chaos-bot' },
          {
            what: '/pause steady by the bot',
            holds: (s) => (s.pauses as Record<string, { by?: string }>)?.steady?.by === 'chaos-bot',
          },
        );
      }),
      at(10, () => {
        github.faults.secondaryRateLimit = { times: 4, retryAfterSeconds: 1 };
        note('GitHub answers the next 4 requests with a secondary rate limit (403, Retry-After 1 s)');
      }),
      at(12, () => crash('gone')),
      at(25, () => {
        railway.inject.httpError(502, 1);
        note('Railway answers the next request 502');
      }),
      at(28, () => crash('crashy')),
      at(36, async () => {
        const state = await bot.read();
        const incident = state.incidents.gone;
        if (!incident) return note('no open incident for gone to /ack (nothing to check)');
        await bot.update((s) => {
          if (s.incidents.gone) s.incidents.gone.ackedBy = 'chaos-bot';
          return s;
        });
        note(`the bot writes /ack on incident #${incident.number} (gone)`);
        external.push({
          what: `/ack on #${incident.number} by the bot`,
          holds: (s) =>
            (s.incidents as Record<string, { ackedBy?: string }>)?.gone?.ackedBy === 'chaos-bot' ||
            (s.incidents as Record<string, unknown>)?.gone === undefined,
        });
      }),
    ]);
    // A run that fails is followed by the next one (as the next scheduled job would), until the end.
    const until = started + durationMs;
    const keepWatching = async (name: string, deps: typeof a) => {
      while (Date.now() < until - 1000) {
        try {
          await watch(deps.engine, deps.store, { durationMs: until - Date.now() });
        } catch (error: unknown) {
          const message = error instanceof Error ? error.message : String(error);
          failedRuns.push(`${name} at ${Math.round((Date.now() - started) / 1000)} s: ${message}`);
          logs.push(`[${name}] run failed: ${message}`);
        }
      }
    };
    // Two runs at once over the same services, state and issues, B starting half an interval after A.
    const runA = keepWatching('run A', a);
    await sleep(500);
    const runB = keepWatching('run B', b);
    await Promise.all([runA, runB, scenario]);
    return {
      durationMs,
      startedAt: started,
      services,
      events,
      logs,
      github,
      railway,
      finalState: github.readJson('uptime-state', 'state.json'),
      maxOpenPerService,
      external,
      crashes,
      faults,
      failedRuns,
    };
  } catch (error: unknown) {
    await Promise.all([github.close(), railway.close()]);
    throw error;
  } finally {
    for (const t of timers) clearInterval(t);
    await Promise.all(services.map((s) => s.crash()));
  }
}

/** Every recovery attempt the runners made, keyed `service|action|at`. */
export function attemptsMade(
  events: RunnerEvent[],
): Array<{ runner: string; service: string; attempt: RecoveryAttempt }> {
  return events.flatMap((e) =>
    e.event.type === 'recovery-end'
      ? [{ runner: e.runner, service: e.event.service, attempt: e.event.attempt }]
      : [],
  );
}
