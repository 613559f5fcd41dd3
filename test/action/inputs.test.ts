import { describe, expect, test } from '@jest/globals';
import { readInputs, type Inputs } from '../../action/inputs.js';
import { applyEnv } from './env.js';

const defaults: Inputs = {
  config: '.github/uptime.yml',
  'github-token': 'ghs_x',
  mode: '',
  watch: '0',
  'dry-run': 'false',
  'state-branch': 'uptime-state',
};
/** Reads the inputs as the runner passes them (INPUT_* variables) through @actions/core. */
const read = (over: Partial<Inputs>) => {
  const inputs: Inputs = { ...defaults, ...over };
  const restore = applyEnv(
    Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
  );
  try {
    return readInputs();
  } finally {
    restore();
  }
};

describe('inputs', () => {
  test('defaults: one sweep, the config mode, the uptime-state branch, not a dry run', () => {
    expect(read({})).toEqual({
      configPath: '.github/uptime.yml',
      configExplicit: false,
      token: 'ghs_x',
      watchMs: 0,
      dryRun: false,
      stateBranch: 'uptime-state',
    });
  });

  test('watch, mode, dry-run and a custom config are parsed', () => {
    expect(read({ watch: '4m', mode: 'Extreme', 'dry-run': 'true', config: 'ops/uptime.yml' })).toMatchObject(
      {
        watchMs: 240_000,
        mode: 'extreme',
        dryRun: true,
        configPath: 'ops/uptime.yml',
        configExplicit: true,
      },
    );
  });

  test.each([
    [{ watch: 'soon' }, /Input watch: "soon" is not a duration/],
    [{ watch: '7h' }, /longer than a job may run/],
    [{ mode: 'turbo' }, /Input mode: "turbo" is not a mode; use normal or extreme/],
    [{ 'dry-run': 'maybe' }, /Input dry-run: "maybe" is not true or false/],
    [{ 'dry-run': 'yes' }, /Input dry-run: "yes" is not true or false/],
    [{ 'github-token': '' }, /Input github-token is empty/],
    [{ 'state-branch': 'a..b' }, /Input state-branch/],
  ])('%p is refused with the input named', (over, message) => {
    expect(() => read(over as Partial<Inputs>)).toThrow(message);
  });
});
