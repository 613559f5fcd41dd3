import type { Config } from '../config/schema.js';
import { providerSecretEnv } from '../providers/registry.js';
import { createRedactor } from '../util/redact.js';

/**
 * The one redactor of a run, built by the wiring for every face: the environment's secrets (every provider's
 * token variable by name), every value the config expanded from `${VAR}`, and `extra` values (the Action's
 * token, proxy credentials). Everything a run writes or prints goes through it once.
 */
export function runRedactor(
  env: NodeJS.ProcessEnv,
  config?: Config,
  extra: string[] = [],
): (text: string) => string {
  return createRedactor({ env, config, extra, names: providerSecretEnv() });
}
