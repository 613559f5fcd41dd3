import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { root } from '../action/bundle.js';

/**
 * The release (docs/releasing.md): scripts/release-tags.sh, as the release workflow runs it, in a copy of
 * the repository's release files pushing to a local bare "origin". The first release's commands are read
 * from docs/releasing.md itself.
 */

let work: string;
let origin: string;
let repo: string;
const gitEnv = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Release Test',
  GIT_AUTHOR_EMAIL: 'release@example.com',
  GIT_COMMITTER_NAME: 'Release Test',
  GIT_COMMITTER_EMAIL: 'release@example.com',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
};
const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: repo, env: gitEnv, encoding: 'utf8' }).trim();
const release = (env: Record<string, string> = {}) =>
  spawnSync('bash', ['scripts/release-tags.sh'], { cwd: repo, env: { ...gitEnv, ...env }, encoding: 'utf8' });
/** The commit each tag of origin points at (annotated tags peeled). */
function originTags(): Record<string, string> {
  const lines = execFileSync('git', ['ls-remote', '--tags', origin], { env: gitEnv, encoding: 'utf8' })
    .trim()
    .split('\n');
  const tags: Record<string, string> = {};
  for (const line of lines.filter(Boolean)) {
    const [sha, ref] = line.split('\t');
    const name = ref.replace('refs/tags/', '');
    if (name.endsWith('^{}')) tags[name.slice(0, -3)] = sha;
    else tags[name] ??= sha;
  }
  return tags;
}
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'uptime-release-'));
  origin = join(work, 'origin.git');
  repo = join(work, 'repo');
  execFileSync('git', ['init', '-q', '--bare', origin], { env: gitEnv });
  execFileSync('git', ['init', '-q', '-b', 'main', repo], { env: gitEnv });
  mkdirSync(join(repo, 'scripts'));
  for (const file of ['package.json', 'CHANGELOG.md', 'scripts/release-tags.sh'])
    copyFileSync(join(root, file), join(repo, file));
  git('add', '-A');
  git('commit', '-qm', 'release');
  git('remote', 'add', 'origin', origin);
  git('push', '-q', 'origin', 'main');
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('releasing', () => {
  it("package.json's version has a dated CHANGELOG section", () => {
    expect(pkg.version).toBe('1.0.0');
    expect(readFileSync(join(root, 'CHANGELOG.md'), 'utf8')).toMatch(/^## \[1\.0\.0\] - 2026-12-04$/m);
  });

  it("the first release as docs/releasing.md shows it: the pushed tag, then the workflow's step moves v1", () => {
    const doc = readFileSync(join(root, 'docs/releasing.md'), 'utf8');
    const block = /```sh\n([\s\S]*?)```/.exec(doc.slice(doc.indexOf('## The first release')))?.[1];
    expect(block).toContain(`v${pkg.version}`);
    execFileSync('bash', ['-euo', 'pipefail', '-c', block!], { cwd: repo, env: gitEnv, stdio: 'pipe' });
    // The workflow, started by that tag.
    const run = release({ EXPECTED_TAG: `v${pkg.version}` });
    expect(run.stderr + run.stdout).toContain(`Tagged v${pkg.version} and moved v1`);
    expect(run.status).toBe(0);
    const head = git('rev-parse', 'HEAD');
    expect(originTags()).toEqual({ [`v${pkg.version}`]: head, v1: head });
    // The GitHub release's text is the CHANGELOG's section, and only it.
    const notes = readFileSync(join(repo, 'release-notes.md'), 'utf8');
    expect(notes).toContain('The first release');
    expect(notes).not.toContain('## [');
    expect(notes).not.toContain('First version: the GitHub Action'); // 0.1.0's text
  });

  it('run from the Actions tab on the same commit again: nothing changes', () => {
    const before = originTags();
    const run = release();
    expect(run.status).toBe(0);
    expect(originTags()).toEqual(before);
  });

  it('a new commit without a new version is refused; with 1.0.1 and its section, v1 moves and v1.0.0 stays', () => {
    const first = git('rev-parse', 'HEAD');
    writeFileSync(join(repo, 'fix.txt'), 'a fix\n');
    git('add', '-A');
    git('commit', '-qm', 'a fix');
    const refused = release();
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('v1.0.0 already tags');
    expect(refused.stderr).toContain('raise the version in package.json');

    const json = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
    writeFileSync(join(repo, 'package.json'), JSON.stringify({ ...json, version: '1.0.1' }, null, 2));
    git('commit', '-qam', '1.0.1 without its CHANGELOG section');
    const noSection = release();
    expect(noSection.status).toBe(1);
    expect(noSection.stderr).toContain("CHANGELOG.md has no dated section for 1.0.1: add '## [1.0.1] - ");

    const changelog = readFileSync(join(repo, 'CHANGELOG.md'), 'utf8');
    writeFileSync(
      join(repo, 'CHANGELOG.md'),
      changelog.replace('## [Unreleased]\n', '## [Unreleased]\n\n## [1.0.1] - 2026-12-05\n\n- A fix.\n'),
    );
    git('commit', '-qam', '1.0.1');
    const run = release();
    expect(run.status).toBe(0);
    const head = git('rev-parse', 'HEAD');
    expect(originTags()).toEqual({ 'v1.0.0': first, 'v1.0.1': head, v1: head });
    expect(readFileSync(join(repo, 'release-notes.md'), 'utf8').trim()).toBe('- A fix.');
  });

  it('a pushed tag that is not the version in package.json is refused', () => {
    const run = release({ EXPECTED_TAG: 'v1.2.0' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(
      'The tag v1.2.0 is not package.json\'s version (v1.0.1): set "version" in package.json to 1.2.0.',
    );
  });

  it('the workflow starts from the Actions tab or a pushed tag, tests first, and runs scripts/release-tags.sh', () => {
    const workflow = parse(readFileSync(join(root, '.github/workflows/release.yml'), 'utf8')) as {
      on: Record<string, unknown>;
      permissions: Record<string, string>;
      jobs: { release: { steps: Array<{ run?: string; env?: Record<string, string> }> } };
    };
    expect(Object.keys(workflow.on).sort()).toEqual(['push', 'workflow_dispatch']);
    expect(workflow.permissions).toEqual({ contents: 'write' });
    const runs = workflow.jobs.release.steps.map((s) => s.run ?? '');
    const at = (text: string) => runs.findIndex((r) => r.includes(text));
    expect(at('npm test')).toBeGreaterThan(at('npm ci'));
    expect(at('scripts/release-tags.sh')).toBeGreaterThan(at('npm test'));
    expect(at('gh release create')).toBeGreaterThan(at('scripts/release-tags.sh'));
  });
});
