import { parseConfig } from '../../src/config/load.js';
import type { Config } from '../../src/config/schema.js';
import { restartCommand, type DemoService } from './processes.js';

/** The service the bad-deploy scene deploys to: its ladder is restart, then rollback. */
export const ROLLBACK_SERVICE = 'backend';

/**
 * The demo's tuning: the extreme preset with shortened timings so the whole scenario fits in well under a
 * minute (the real extreme preset checks every 5 s, with a 5 s slow threshold and a 10 s probe timeout).
 */
export const DEMO_TIMINGS = {
  healthCheckInterval: 1000,
  /** Probe timeout per service. */
  timeout: 800,
  slowResponseThreshold: 400,
  degradationThreshold: 3,
  restartAttemptDelay: 500,
  recoveryTimeout: 5000,
} as const;

/** Every answer of the slowed service is this much slower than the one before. */
export const SLOWDOWN_STEP_MS = 150;

/** The demo's config, built in code (validated by the same schema as a config file); `dir` holds pid and log files. */
export function demoConfig(services: DemoService[], owner: number, dir: string): Config {
  const { timeout, ...tuning } = DEMO_TIMINGS;
  return parseConfig(
    {
      mode: 'extreme',
      ...tuning,
      services: Object.fromEntries(
        services.map((s) => [
          s.key,
          {
            name: s.name,
            url: `http://127.0.0.1:${s.port}/health`,
            timeout,
            expect: { status: 200, json: { status: 'ok' } },
            recovery: {
              provider: 'command',
              restart: restartCommand(s, owner),
              ...(s.key === ROLLBACK_SERVICE
                ? { rollback: restartCommand(s, owner), actions: ['restart', 'rollback'] }
                : {}),
              cwd: dir,
              timeout: 15_000,
            },
          },
        ]),
      ),
    },
    'demo (built in)',
  );
}
