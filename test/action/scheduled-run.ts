import { runActionEvent, type ActionRunResult } from '../../src/run/action.js';
import type { Clock } from '../../src/util/clock.js';
import { memoryLogger, testOctokit } from '../github/fixtures.js';
import type { GitHubStub } from '../helpers/github-stub.js';

/**
 * The Action's core call as the README's workflow starts it (the default inputs: `.github/uptime.yml`, one
 * sweep, state on `uptime-state`), against the fake GitHub, in `workspace` (the checked-out repository).
 * `schedule`: started by that cron line (`''`: by the schedule, line not given); else by "Run workflow".
 */
export function scheduledRun(
  github: GitHubStub,
  workspace: string,
  options: { clock: Clock; env?: Record<string, string>; schedule?: string },
): Promise<ActionRunResult> {
  return runActionEvent({
    inputs: {
      configPath: '.github/uptime.yml',
      configExplicit: false,
      token: 'ghs_testtoken123',
      watchMs: 0,
      dryRun: false,
      stateBranch: 'uptime-state',
    },
    event: {
      name: options.schedule !== undefined ? 'schedule' : 'workflow_dispatch',
      payload: options.schedule ? { schedule: options.schedule } : {},
      repo: { owner: github.owner, repo: github.repo },
      workspace,
    },
    client: testOctokit(github.url),
    fetch: globalThis.fetch,
    env: options.env ?? {},
    clock: options.clock,
    logger: memoryLogger(),
  });
}
