import type { Config } from '../config/schema.js';
import type { EngineDeps } from '../engine/types.js';
import { GitHubIncidentLog } from '../incidents/github.js';
import { probeMonitor } from '../monitors/registry.js';
import type { HeartbeatView } from '../monitors/heartbeat-book.js';
import type { MonitorOptions } from '../monitors/types.js';
import { getProvider } from '../providers/registry.js';
import type { Provider } from '../providers/types.js';
import { GitHubSiteSink } from '../site/sink.js';
import { GitHubStateStore } from '../state/github.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import type { PrivateTargets } from '../util/net-address.js';
import { redactingProviders } from '../providers/redacting.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import type { EngineEvent } from '../outcome/types.js';
import type { ProviderType } from '../providers/registry.js';

export interface GitHubServicesOptions extends RepoRef {
  client: GitHubClient;
  /** Provider tokens (RAILWAY_TOKEN, ...) and endpoint overrides. */
  env: NodeJS.ProcessEnv;
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
  /**
   * Hosted safety: the fetch for URLs the config chose (webhook provider) and whether probes may reach
   * private addresses (`UPTIME_PRIVATE_TARGETS`). @default fetch, allow
   */
  configFetch?: typeof fetch;
  privateTargets?: PrivateTargets;
  /** @default "uptime-state" */
  stateBranch?: string;
  dryRun?: boolean;
  /**
   * Applied to every string of the state, issue bodies and comments, and provider results before they are
   * written (src/util/redact.ts `createRedactor`). @default none
   */
  redact?: (text: string) => string;
  /** Told each state write, in words (`Created the state branch uptime-state`), for the job summary. */
  onStateWrite?: (line: string) => void;
  /** @default the provider registry */
  provider?: (type: ProviderType) => Provider;
  onEvent?: (event: EngineEvent) => void;
  /** Pings received by the bot's server (heartbeat monitors); absent = heartbeats are "not checked". */
  heartbeats?: HeartbeatView;
  /** Platform events received by the bot's server, quoted in the incident of a failed check. */
  recentEvents?: MonitorOptions['recentEvents'];
}

/**
 * The core wired for one repository on GitHub: the engine's dependencies, the state on its branch and
 * incidents as issues, all through one client. The Action and the bot use it for sweeps, the hosted watch and slash commands.
 * `site` is the status site under `site/` on the state branch, only with `statusPage.branch: true`.
 */
export function githubServices(config: Config, options: GitHubServicesOptions) {
  const { owner, repo, client, clock, logger } = options;
  const incidents = new GitHubIncidentLog({ owner, repo, client, logger, redact: options.redact });
  const store = new GitHubStateStore({
    owner,
    repo,
    client,
    clock,
    logger,
    branch: options.stateBranch,
    redact: options.redact,
    onWrite: options.onStateWrite,
  });
  const engine: EngineDeps = {
    config,
    provider: options.redact
      ? redactingProviders(options.provider ?? getProvider, options.redact)
      : (options.provider ?? getProvider),
    providerContext: {
      env: options.env,
      fetch: options.fetch,
      configFetch: options.configFetch,
      clock,
      logger,
    },
    probe: (service, probe) =>
      probeMonitor(service, {
        fetch: options.fetch,
        now: () => clock.now(),
        confirm: probe?.confirm,
        privateTargets: options.privateTargets,
        heartbeats: options.heartbeats,
        recentEvents: options.recentEvents,
      }),
    incidents,
    // Recovery attempts are claimed in the shared state before the provider is called (the budget holds
    // across concurrent runs and commands).
    store,
    clock,
    logger,
    dryRun: options.dryRun,
    onEvent: options.onEvent,
  };
  // The page is rendered by the Pages workflow from state.json (0 writes); `site/` on the state branch costs
  // up to 72 writes a day (docs/costs.md), so only when the config asks for it.
  const site = config.statusPage?.branch
    ? new GitHubSiteSink({ owner, repo, client, branch: store.branch })
    : undefined;
  return { engine, store, incidents, site };
}
