import { afterEach, describe, expect, jest, test } from '@jest/globals';
import type { RunSweepOptions } from '../../src/run/sweep.js';
import { actionEnv, freshContext, runLogged } from './env.js';

/*
 * The Action's log lines are redacted once, by the core's redactor (src/run/redactor.ts), which knows the
 * environment's tokens, the `github-token` input and every value the config expanded from `${VAR}`. The face
 * (action/main.ts) prints them as they come. The core's sweep is replaced by one that logs the secrets.
 */
const TOKEN = 'ghs_log_line_token_9';
const RAILWAY = 'rw_log_line_secret_55';
const EXPANDED = 'cfg-expanded-key-3141';
jest.unstable_mockModule('../../src/run/sweep.js', () => ({
  runSweep: (options: RunSweepOptions) => {
    options.deps.logger.warn(`retrying with ${TOKEN}, ${RAILWAY} and key=${EXPANDED}`);
    options.deps.logger.info(`Authorization: Bearer ${TOKEN}`);
    return Promise.reject(new Error('stopped after logging'));
  },
}));
const { run } = await import('../../action/main.js');

afterEach(() => {
  process.exitCode = undefined;
});

describe('the Action log', () => {
  test('a secret in a log line is masked: the token input, a provider token, a value from ${VAR}', async () => {
    const action = actionEnv({
      githubUrl: 'http://127.0.0.1:9',
      configYaml: 'services:\n  web:\n    url: http://127.0.0.1:9/health?key=${WEB_KEY}\n',
      inputs: { 'github-token': TOKEN },
      extraEnv: { RAILWAY_API_TOKEN: RAILWAY, WEB_KEY: EXPANDED },
    });
    let logged: string;
    try {
      logged = await runLogged(action.env, () => run(freshContext()));
    } finally {
      action.cleanup();
    }
    const text = logged.replace(/^::add-mask::.*$/gm, '');
    expect(text).toContain('Warning: retrying with ***, *** and key=***');
    expect(text).toContain('Authorization: Bearer ***');
    for (const secret of [TOKEN, RAILWAY, EXPANDED]) expect(text).not.toContain(secret);
    expect(process.exitCode).toBe(1);
  });
});
