import { afterEach, beforeEach, describe, expect, jest, test } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '../../action/toolkit.js';
import { applyEnv } from './env.js';

let dir: string;
let out: string[];
let restoreWrite: () => void;
const undo: Array<() => void> = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'uptime-toolkit-'));
  out = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out.push(String(chunk));
    return true;
  });
  restoreWrite = () => spy.mockRestore();
});
afterEach(() => {
  restoreWrite();
  while (undo.length) undo.pop()?.();
  process.exitCode = undefined;
  rmSync(dir, { recursive: true, force: true });
});
const env = (vars: Record<string, string>) => undo.push(applyEnv(vars));
const unset = (name: string) => {
  const saved = process.env[name];
  delete process.env[name];
  undo.push(() => {
    if (saved !== undefined) process.env[name] = saved;
  });
};

describe("the Action's runner toolkit (GitHub's workflow-command formats)", () => {
  test('inputs come from INPUT_<NAME> (upper case, spaces as _), trimmed; unset is empty', () => {
    env({ 'INPUT_DRY-RUN': '  true \n', INPUT_MY_INPUT: 'x' });
    expect(core.getInput('dry-run')).toBe('true');
    expect(core.getInput('my input')).toBe('x');
    expect(core.getInput('never-set-anywhere')).toBe('');
  });

  test('outputs are appended to GITHUB_OUTPUT in the heredoc format, multi-line values intact', () => {
    const file = join(dir, 'output.txt');
    writeFileSync(file, '');
    env({ GITHUB_OUTPUT: file });
    core.setOutput('status', 'up');
    core.setOutput('report', '{"a":1}\nsecond line');
    const text = readFileSync(file, 'utf8');
    expect(text).toMatch(
      /^status<<(ghadelimiter_[0-9a-f-]{36})\nup\n\1\nreport<<(ghadelimiter_[0-9a-f-]{36})\n\{"a":1\}\nsecond line\n\2\n$/,
    );
    const [first, second] = [...text.matchAll(/<<(ghadelimiter_\S+)/g)].map((m) => m[1]);
    expect(first).not.toBe(second);
    expect(out).toEqual([]);
  });

  test('without GITHUB_OUTPUT an output is the set-output command, escaped', () => {
    unset('GITHUB_OUTPUT');
    core.setOutput('report', 'a%b\nc');
    expect(out.join('')).toBe('\n::set-output name=report::a%25b%0Ac\n');
  });

  test('a missing GITHUB_OUTPUT file is an error naming it', () => {
    env({ GITHUB_OUTPUT: join(dir, 'nope.txt') });
    expect(() => core.setOutput('status', 'up')).toThrow(
      /GITHUB_OUTPUT names .*nope\.txt, which does not exist/,
    );
  });

  test('annotations escape %, CR and LF in the message, and also : and , in properties', () => {
    core.error('50% done\r\nnext', { title: 'API: down, again\n' });
    core.warning('slow', { title: 'API is slow' });
    core.warning('plain');
    core.error('no title', {});
    expect(out).toEqual([
      '::error title=API%3A down%2C again%0A::50%25 done%0D%0Anext\n',
      '::warning title=API is slow::slow\n',
      '::warning::plain\n',
      '::error::no title\n',
    ]);
  });

  test('masks, debug and info lines', () => {
    core.setSecret('ghs_abc%');
    core.debug('a\nb');
    core.info('plain: text, with % and : kept');
    expect(out).toEqual(['::add-mask::ghs_abc%25\n', '::debug::a%0Ab\n', 'plain: text, with % and : kept\n']);
  });

  test('setFailed sets exit code 1 and reports the error', () => {
    core.setFailed('it broke');
    expect(process.exitCode).toBe(1);
    expect(out).toEqual(['::error::it broke\n']);
  });

  test('the job summary is appended to GITHUB_STEP_SUMMARY; without it, an error says so', () => {
    const file = join(dir, 'summary.md');
    writeFileSync(file, '# before\n');
    env({ GITHUB_STEP_SUMMARY: file });
    core.appendSummary('| a | b |');
    core.appendSummary('done');
    expect(readFileSync(file, 'utf8')).toBe('# before\n| a | b |\ndone\n');
    unset('GITHUB_STEP_SUMMARY');
    expect(() => core.appendSummary('x')).toThrow(/GITHUB_STEP_SUMMARY is not set/);
  });
});
