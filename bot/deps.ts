import type { CommandServices } from '../src/commands/run.js';
import type { Config, ProviderType } from '../src/config/schema.js';
import type { EngineDeps, EngineEvent } from '../src/engine/types.js';
import type { GitHubClient, RepoRef } from '../src/github/client.js';
import { GitHubIncidentLog } from '../src/incidents/github.js';
import { probeService } from '../src/probe/probe.js';
import type { Provider } from '../src/providers/types.js';
import { getProvider } from '../src/providers/registry.js';
import { GitHubStateStore } from '../src/state/github.js';
import type { Clock } from '../src/util/clock.js';
import type { Logger } from '../src/util/logger.js';

/** What the bot passes the core for one repository; nothing here is read from globals. */
export interface BotDepsOptions extends RepoRef {
  /** The installation's Octokit (`context.octokit`, or `app.auth(installationId)`). */
  client: GitHubClient;
  /** For provider tokens (RAILWAY_TOKEN, ...) and endpoint overrides. */
  env: NodeJS.ProcessEnv;
  clock: Clock;
  logger: Logger;
  fetch: typeof fetch;
  /** @default the provider registry */
  provider?: (type: ProviderType) => Provider;
  /** @default "uptime-state" */
  stateBranch?: string;
  onEvent?: (event: EngineEvent) => void;
}

/**
 * Wires the core for one repository the same way the Action does: the state on the `uptime-state` branch
 * (GitHubStateStore) and incidents as issues (GitHubIncidentLog), both through the installation's Octokit.
 */
export function buildRepoServices(
  config: Config,
  options: BotDepsOptions,
): CommandServices & { engine: EngineDeps } {
  const { owner, repo, client, clock, logger } = options;
  const fetchImpl = options.fetch;
  const incidents = new GitHubIncidentLog({ owner, repo, client, logger });
  const store = new GitHubStateStore({ owner, repo, client, clock, logger, branch: options.stateBranch });
  const engine: EngineDeps = {
    config,
    provider: options.provider ?? getProvider,
    providerContext: { env: options.env, fetch: fetchImpl, clock, logger },
    probe: (service, probeOptions) =>
      probeService(service, { fetch: fetchImpl, now: () => clock.now(), confirm: probeOptions?.confirm }),
    incidents,
    clock,
    logger,
    onEvent: options.onEvent,
  };
  return { store, engine, incidents };
}
