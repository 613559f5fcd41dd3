import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, runProcess } from './bundle.js';

/**
 * `npm run local-action`, the real script (scripts/local-action.ts), as docs/development.md shows it: one
 * command starts the loopback servers, runs the Action under @github/local-action, prints the job summary and
 * the incident issue, and exits non-zero when the step fails. The three runs go at once (each takes ~30 s, mostly
 * local-action's start-up and the restart's verification).
 */
const run = (...args: string[]) =>
  runProcess('npm', ['run', '--silent', 'local-action', '--', ...args], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', FORCE_COLOR: '0', NO_COLOR: '1' },
  });

/** The printed job summary: from its heading to the first incident issue. */
const summaryOf = (output: string) => {
  const start = output.indexOf('Job summary (GITHUB_STEP_SUMMARY)');
  expect(start).toBeGreaterThan(-1);
  const end = output.indexOf('──────── Incident issue', start);
  return output.slice(start, end === -1 ? undefined : end);
};

describe('npm run local-action', () => {
  it('docs/development.md shows the commands this test runs', () => {
    const doc = readFileSync(join(root, 'docs/development.md'), 'utf8');
    const block = /## Run the Action locally[\s\S]*?```sh\n([\s\S]*?)```/.exec(doc)?.[1] ?? '';
    const commands = block.split('\n').map((l) => l.replace(/\s+#.*$/, '').trim());
    expect(commands).toContain('npm run local-action');
    expect(commands).toContain('npm run local-action -- --healthy');
    expect(commands).toContain('npm run local-action -- --down');
  });

  it('recovers the service, prints a true summary and the forensics; a healthy run is calm; a step that fails exits 1', async () => {
    const [recovers, healthy, fails] = await Promise.all([run(), run('--healthy'), run('--down')]);

    // A service down, restarted through the Railway stub, up again.
    expect(recovers.output).toContain('Running Action');
    expect(recovers.code).toBe(0);
    const summary = summaryOf(recovers.output);
    const row = summary.split('\n').find((l) => l.includes('(`backend`)'))!;
    expect(row).toContain('🟢 up');
    expect(row).toContain('| 1/2 |'); // the failed check and the restart's healthy probe
    expect(row).not.toMatch(/\| 0\.00% \|/);
    const done = summary
      .slice(summary.indexOf('#### What was done'))
      .split('\n')
      .filter((l) => l.startsWith('- '));
    expect(done.length).toBeGreaterThan(3);
    expect(new Set(done).size).toBe(done.length);
    // The run's own references are links (`#1` as typed, no zero-width space): GitHub links the incident.
    expect(done.filter((l) => /opened incident #1\b/.test(l))).toHaveLength(1);
    expect(done.filter((l) => /resolved incident #1\b/.test(l))).toHaveLength(1);
    expect(summary).not.toContain('in the shared state');
    // The forensics of the incident: the deployment before the outage, its commit, the last log lines.
    expect(recovers.output).toContain('“Pool database connections”');
    expect(recovers.output).toContain('database pool exhausted');
    expect(recovers.output).not.toContain('changed its schema');
    expect(recovers.output).not.toContain("do not match Railway's schema");
    expect(recovers.output.replace(/^::add-mask::.*$/gm, '')).not.toContain('rw_local_fake_token');

    // Up all along: 100% over its one check, nothing restarted, no incident.
    expect(healthy.code).toBe(0);
    const calm = summaryOf(healthy.output);
    expect(calm.split('\n').find((l) => l.includes('(`backend`)'))).toMatch(/🟢 up \| 100% \|.*\| 1\/1 \|/);
    expect(calm).not.toMatch(/incident|restart|shared state/);
    expect(healthy.output).not.toContain('──────── Incident issue');

    // Still down, the token refused: the job would fail, and so does the command.
    expect(fails.output).toMatch(/^::error\b/m);
    expect(fails.code).toBe(1);
    expect(fails.output).toContain('The step failed (an ::error:: above): exit 1, as the job would.');
    expect(summaryOf(fails.output)).toContain('🔴 down');
  }, 300_000);
});
