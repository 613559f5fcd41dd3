import { afterEach, describe, expect, jest, test } from '@jest/globals';
import { actionEnv, freshContext, runLogged } from './env.js';

// The core throws something that is not an Error (a string): the step must still fail, redacted.
jest.unstable_mockModule('../../src/run/sweep.js', () => ({
  runSweep: () => Promise.reject('boom with ghs_failure_token_7 inside'),
}));
const { run } = await import('../../action/main.js');

afterEach(() => {
  process.exitCode = undefined;
});

describe('the Action fails the step on anything', () => {
  test('a thrown non-Error fails the step, with the token redacted from the message', async () => {
    const action = actionEnv({
      githubUrl: 'http://127.0.0.1:9',
      configYaml: 'services:\n  web:\n    url: http://127.0.0.1:9/health\n',
      inputs: { 'github-token': 'ghs_failure_token_7' },
    });
    let logged: string;
    try {
      logged = await runLogged(action.env, () => run(freshContext()));
    } finally {
      action.cleanup();
    }
    expect(process.exitCode).toBe(1);
    const text = logged;
    expect(text).toContain('::error::uptime-action failed: boom with *** inside');
    expect(text.replace(/^::add-mask::.*$/gm, '')).not.toContain('ghs_failure_token_7');
  });
});
