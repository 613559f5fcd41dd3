import { createProbot } from 'probot';
import { githubServices } from '../src/run/github-services.js';
import { providerSecretEnv } from '../src/providers/registry.js';
import type { RepoOpener } from '../src/scale/types.js';
import { systemClock } from '../src/util/clock.js';
import type { Logger } from '../src/util/logger.js';
import { createRedactor } from '../src/util/redact.js';
import { checkBotEnv } from './env.js';
import { parseWatchRepos, startSession } from './watch.js';

/**
 * Opens `owner/repo` as the hosted watch does (bot/watch.ts `startSession`): the App's installation client, the
 * config from the default branch under the hosted policy, the state branch and incident issues. Needs the App's
 * `APP_ID` and `PRIVATE_KEY` (checked here, exit 2 with what to fix); no webhook server.
 */
export function githubRepoOpener(options: {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  fetch?: typeof fetch;
}): RepoOpener {
  const env = { WEBHOOK_SECRET: 'unused-by-workers', ...options.env };
  checkBotEnv(env);
  const probot = createProbot({ env });
  const fetchImpl = options.fetch ?? ((...args: Parameters<typeof fetch>) => globalThis.fetch(...args));
  return async (repo) => {
    const [ref] = parseWatchRepos(repo);
    const watchOptions = { env: options.env, clock: systemClock, logger: options.logger, fetch: fetchImpl };
    const { client, config, policy } = await startSession(probot, ref, watchOptions);
    const { engine, store } = githubServices(config, {
      ...ref,
      client,
      env: options.env,
      redact: createRedactor({ env: options.env, config, names: providerSecretEnv() }),
      clock: systemClock,
      logger: options.logger,
      fetch: fetchImpl,
      configFetch: policy.fetch,
      privateTargets: policy.policy.privateTargets,
    });
    return { engine, store };
  };
}
