import { resolve } from 'node:path';
import { loadConfig } from '../src/config/load.js';
import type { RepoOpener } from '../src/scale/types.js';
import type { Logger } from '../src/util/logger.js';
import { buildDeps } from './deps.js';

/** A repository in local mode: its config file and its state file (incidents beside it). */
export interface LocalRepo {
  configPath: string;
  statePath: string;
}

/**
 * Opens repositories from local files, as `uptime-action sweep` does (the config, `.uptime/state.json`,
 * `incidents.json`), with the state store also taking each recovery claim, so workers in several processes
 * sharing the files never spend the restart budget twice. `fetch` is the probes' and providers' (tests give each
 * location its own).
 */
export function localRepoOpener(
  repos: Record<string, LocalRepo>,
  options: { env: NodeJS.ProcessEnv; logger: Logger; fetch?: typeof fetch },
): RepoOpener {
  return async (repo) => {
    const entry = Object.hasOwn(repos, repo) ? repos[repo] : undefined;
    if (!entry)
      throw new Error(
        `Repository "${repo}" is not watched by this worker (known: ${Object.keys(repos).join(', ')}).`,
      );
    const config = await loadConfig({ path: resolve(entry.configPath), explicit: true, env: options.env });
    const { deps, store } = buildDeps(config, {
      env: options.env,
      logger: options.logger,
      statePath: resolve(entry.statePath),
      incidents: 'file',
      fetch: options.fetch,
    });
    return { engine: { ...deps, store }, store };
  };
}
