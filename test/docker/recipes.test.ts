import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse } from 'yaml';
import { buildFresh, node24, root } from '../action/bundle.js';
import { startTestServer, type TestServer } from '../helpers/servers.js';

/**
 * The Docker image without a Docker engine (none runs here): the `docker run` lines of the Dockerfile's header
 * and of docs/docker.md, and the services of docker-compose.yml, run as the image would run them. The image's
 * filesystem is what the Dockerfile's final stage makes (its instructions are read from the file; an
 * instruction this test does not know fails it): a root-owned /app with the bundles built fresh, and the
 * /data volume. Each run gets its own mount namespace (`unshare --mount`) and a root made of the host's
 * /usr and /etc, that /app, that /data and the run's `-v` mounts, then `chroot` and `setpriv` to an
 * unprivileged uid, with only the image's and the run's environment. The network is the host's, so `-p`
 * becomes the PORT variable on a free port.
 */

const UID = 65534; // the image's `node` user stands in as `nobody`: any uid that is not root
const isRoot = process.getuid?.() === 0;
const canUnshare = isRoot && spawnSync('unshare', ['--mount', 'true']).status === 0;
const read = (path: string) => readFileSync(join(root, path), 'utf8');

interface Image {
  appDir: string;
  workdir: string;
  env: Record<string, string>;
  volume: string;
  /** The uid that owns a new named volume (Docker copies the image's /data, ownership included). */
  volumeOwner: number;
  cmd: string[];
}

interface RunSpec {
  command: string[];
  env: Record<string, string>;
  /** target in the container → host folder */
  mounts: Array<{ source: string; target: string; readOnly: boolean }>;
}

let work: string;
let image: Image;
let dist: Awaited<ReturnType<typeof buildFresh>>;
let api: TestServer;
/** The user's project folder: `$PWD` of the docker commands, with .env and .github/uptime.yml. */
let project: string;
const namedVolumes = new Map<string, string>();
const children: ChildProcess[] = [];

/** The Dockerfile's instructions of its last stage, continuation lines joined. */
function finalStage(): Array<[string, string]> {
  const lines = read('Dockerfile')
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const from = lines.map((l) => l.startsWith('FROM ')).lastIndexOf(true);
  return lines.slice(from + 1).map((l) => {
    const [op, ...rest] = l.split(/\s+/);
    return [op, rest.join(' ')];
  });
}

/** /app as the final stage builds it, root-owned and read-only for others. */
function buildImage(): Image {
  const appDir = join(work, 'image-app');
  mkdirSync(appDir, { mode: 0o755 });
  const result: Image = { appDir, workdir: '', env: {}, volume: '', volumeOwner: 0, cmd: [] };
  for (const [op, args] of finalStage()) {
    if (op === 'ENV') {
      const [key, ...value] = args.split('=');
      result.env[key] = value.join('=');
    } else if (op === 'WORKDIR') result.workdir = args;
    else if (op === 'COPY' && args === '--from=build /src/dist ./dist')
      cpSync(dist.dir, join(appDir, 'dist'), { recursive: true });
    else if (op === 'COPY' && !args.startsWith('--')) {
      const parts = args.split(/\s+/);
      expect(parts.at(-1)).toBe('./');
      for (const file of parts.slice(0, -1)) cpSync(join(root, file), join(appDir, file));
    } else if (op === 'RUN' && args === 'mkdir -p /data && chown node:node /data') result.volumeOwner = UID;
    else if (op === 'VOLUME') result.volume = args;
    else if (op === 'USER') expect(args).not.toMatch(/^(root|0)(:|$)/);
    else if (op === 'EXPOSE') continue;
    else if (op === 'CMD') result.cmd = JSON.parse(args) as string[];
    else
      throw new Error(
        `test/docker/recipes.test.ts does not know the Dockerfile instruction "${op} ${args}": teach it`,
      );
  }
  // Everything in the image belongs to root; the app user may read but not write.
  spawnSync('chown', ['-R', '0:0', appDir]);
  spawnSync('chmod', ['-R', 'go-w,a+rX', appDir]);
  return result;
}

/** Words of a shell command line: double and single quotes, $PWD. */
function words(line: string): string[] {
  const out: string[] = [];
  for (const m of line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g))
    out.push((m[1] ?? m[2] ?? m[3]).replaceAll('$PWD', project));
  return out;
}

/** Docker's --env-file: KEY=VALUE taken literally (no quotes removed), `KEY` alone copies the host's value. */
function envFile(path: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line.trim() || line.trimStart().startsWith('#')) continue;
    const at = line.indexOf('=');
    if (at === -1) {
      if (process.env[line.trim()] !== undefined) env[line.trim()] = process.env[line.trim()]!;
    } else env[line.slice(0, at).trimStart()] = line.slice(at + 1);
  }
  return env;
}

/** A named volume: created on first use with the image's /data ownership, as Docker does. */
function namedVolume(name: string): string {
  if (!namedVolumes.has(name)) {
    const dir = join(work, `volume-${name}`);
    mkdirSync(dir, { mode: 0o755 });
    chownSync(dir, image.volumeOwner, image.volumeOwner);
    namedVolumes.set(name, dir);
  }
  return namedVolumes.get(name)!;
}

function mount(spec: string): RunSpec['mounts'][number] {
  const [source, target, mode] = spec.split(':');
  const host =
    source.startsWith('/') || source.startsWith('.') ? resolve(project, source) : namedVolume(source);
  return { source: host, target, readOnly: mode === 'ro' };
}

/** `docker run [options] uptime-action [command...]` → what to run. */
function dockerRun(line: string, port: number): RunSpec {
  const argv = words(line);
  expect(argv.slice(0, 2)).toEqual(['docker', 'run']);
  const spec: RunSpec = { command: [], env: {}, mounts: [] };
  let i = 2;
  for (; i < argv.length && argv[i].startsWith('-'); i++) {
    const option = argv[i];
    if (option === '--init')
      continue; // here Node is not process 1: SIGTERM reaches it either way
    else if (option === '--env-file') Object.assign(spec.env, envFile(resolve(project, argv[++i])));
    else if (option === '-e') {
      const [key, ...value] = argv[++i].split('=');
      spec.env[key] = value.length > 0 ? value.join('=') : (process.env[key] ?? '');
    } else if (option === '-v') spec.mounts.push(mount(argv[++i]));
    else if (option === '-p') i++;
    else
      throw new Error(`test/docker/recipes.test.ts does not know the docker run option ${option}: teach it`);
  }
  expect(argv[i]).toBe('uptime-action');
  spec.command = argv.length > i + 1 ? argv.slice(i + 1) : image.cmd;
  spec.env.PORT = String(port);
  return spec;
}

/** Starts the run as the image would: its own root, /app read-only to the user, the volume at /data. */
function start(spec: RunSpec): { child: ChildProcess; output: () => string } {
  const newRoot = mkdtempSync(join(work, 'root-'));
  chmodSync(newRoot, 0o755);
  for (const dir of ['usr', 'etc', 'dev', 'proc', 'tmp', 'opt/node/bin', 'app', 'data'])
    mkdirSync(join(newRoot, dir), { recursive: true });
  for (const link of ['bin', 'lib', 'lib64', 'sbin']) symlinkSync(`usr/${link}`, join(newRoot, link));
  const bindings: Array<[string, string, boolean]> = [
    ['/usr', '/usr', true],
    ['/etc', '/etc', true],
    ['/dev', '/dev', false],
    // The image's Node: 24 (node:24-slim), on PATH first.
    [dirname(node24), '/opt/node/bin', true],
    [image.appDir, image.workdir, false],
  ];
  for (const m of spec.mounts) {
    if (m.target !== image.volume) mkdirSync(join(newRoot, m.target), { recursive: true });
    bindings.push([m.source, m.target, m.readOnly]);
  }
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  const script = [
    'set -e',
    ...bindings.flatMap(([source, target, ro]) => [
      `mkdir -p ${q(newRoot + target)}`,
      `mount --bind ${q(source)} ${q(newRoot + target)}`,
      ...(ro ? [`mount -o remount,bind,ro ${q(newRoot + target)}`] : []),
    ]),
    `mount -t proc proc ${q(newRoot + '/proc')}`,
    `mount -t tmpfs tmpfs ${q(newRoot + '/tmp')}`,
    `cd ${q(newRoot)}`,
    `exec /usr/sbin/chroot ${q(newRoot)} /usr/bin/setpriv --reuid=${UID} --regid=${UID} --clear-groups --inh-caps=-all --bounding-set=-all ` +
      `sh -c 'cd ${image.workdir} && exec "$@"' sh ${spec.command.map(q).join(' ')}`,
  ].join('\n');
  const env = { PATH: '/opt/node/bin:/usr/local/bin:/usr/bin:/bin', HOME: '/tmp', ...image.env, ...spec.env };
  const child = spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let output = '';
  child.stdout!.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr!.on('data', (c: Buffer) => (output += c.toString()));
  return { child, output: () => output };
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((done) =>
    child.exitCode !== null ? done(child.exitCode) : child.once('exit', (code) => done(code)),
  );

/** Resolves when `check()` is true, checking on each output of the run (no fixed sleep); rejects if it exits first. */
async function until(
  run: ReturnType<typeof start>,
  check: () => boolean | Promise<boolean>,
  what: string,
): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await check())) {
    if (run.child.exitCode !== null)
      throw new Error(`the run exited ${run.child.exitCode} before ${what}:\n${run.output()}`);
    if (Date.now() > deadline) throw new Error(`no ${what} within 60 s:\n${run.output()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

/** The `docker run` lines of the Dockerfile's header and of docs/docker.md's sh blocks. */
function recipes(): { dockerfile: string[]; docs: string[] } {
  const dockerfile = read('Dockerfile')
    .split('\n')
    .filter((l) => /^#\s+docker run /.test(l))
    .map((l) => l.replace(/^#\s+/, ''));
  const docs = [...read('docs/docker.md').matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((m) => m[1].split('\n'))
    .filter((l) => l.startsWith('docker run '));
  return { dockerfile, docs };
}

const describeAsRoot = canUnshare ? describe : describe.skip;
if (!canUnshare)
  console.warn(
    'test/docker/recipes.test.ts: needs root and unshare(1) to build the container roots; skipped',
  );

beforeAll(async () => {
  if (!canUnshare) return;
  work = mkdtempSync(join(tmpdir(), 'uptime-docker-'));
  chmodSync(work, 0o755);
  dist = await buildFresh();
  image = buildImage();
  api = await startTestServer({ kind: 'up' });
  project = join(work, 'project');
  mkdirSync(join(project, '.github'), { recursive: true });
  writeFileSync(
    join(project, '.github/uptime.yml'),
    [
      'services:',
      '  api:',
      '    name: API',
      `    url: ${api.url}`,
      '    recovery:',
      '      provider: railway',
      '      serviceId: svc-api',
      '      actions: [restart]',
      '',
    ].join('\n'),
  );
  // .env exactly as Probot's setup writes it (one line per variable, the key's newlines as \n, in quotes).
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  writeFileSync(
    join(project, '.env'),
    [
      'APP_ID=123456',
      `PRIVATE_KEY="${privateKey.replace(/\n/g, '\\n')}"`,
      'WEBHOOK_SECRET=docker-test-secret',
      'GITHUB_CLIENT_ID=Iv1.0123456789abcdef',
    ].join('\n'),
  );
  process.env.RAILWAY_TOKEN = 'rw_docker_test_token';
}, 120_000);

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await api?.close();
  dist?.remove();
  if (work) rmSync(work, { recursive: true, force: true });
  delete process.env.RAILWAY_TOKEN;
});

describe('the Dockerfile and .dockerignore (read)', () => {
  it('the image runs the bundles as a non-root user, writes only to the /data volume, and has no tsx or npm at run time', () => {
    const stage = finalStage();
    const ops = Object.fromEntries(stage);
    expect(ops.USER).toBe('node');
    expect(ops.VOLUME).toBe('/data');
    expect(JSON.parse(ops.CMD)).toEqual(['node', 'dist/bot.js']);
    expect(stage.map(([op, args]) => `${op} ${args}`).join('\n')).not.toMatch(/tsx|npm (ci|install)/);
    const { dockerfile, docs } = recipes();
    expect(dockerfile.length).toBeGreaterThanOrEqual(3);
    // docs/docker.md shows the same commands as the Dockerfile.
    expect(new Set(docs)).toEqual(new Set(dockerfile));
  });

  /** Docker's .dockerignore rules (moby's patternmatcher): anchored at the context root, `**` any depth, last match wins, a matched folder excludes its contents. */
  function excluded(path: string): boolean {
    const rules = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const toRegex = (pattern: string) =>
      new RegExp(
        '^' +
          pattern
            .replace(/[.+^${}()|[\]\\]/g, '\\$&')
            .replace(/\*\*\//g, '@@ANY_DIRS@@')
            .replace(/\*\*/g, '.*')
            .replace(/\*/g, '[^/]*')
            .replace(/\?/g, '[^/]')
            .replace(/@@ANY_DIRS@@/g, '(?:.*/)?') +
          '$',
      );
    const prefixes = path.split('/').map((_, i, parts) => parts.slice(0, i + 1).join('/'));
    let out = false;
    for (const rule of rules) {
      const negate = rule.startsWith('!');
      const regex = toRegex(negate ? rule.slice(1) : rule);
      if (prefixes.some((p) => regex.test(p))) out = !negate;
    }
    return out;
  }

  it('.dockerignore keeps credentials, keys and local state out of the build context, at any depth', () => {
    for (const path of [
      '.env',
      '.env.production',
      'deploy/.env',
      'uptime-action.2026-12-04.private-key.pem', // the name GitHub gives the app's key download
      'keys/app.pem',
      'server.key',
      'id_ed25519',
      '.npmrc',
      '.uptime/state.json',
      'examples/.uptime/state.json',
      'node_modules/probot/package.json',
    ])
      expect({ path, excluded: excluded(path) }).toEqual({ path, excluded: true });
  });

  it('.dockerignore keeps what the build stage needs: every tracked source, package files and app.yml', () => {
    const tracked = spawnSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' })
      .stdout.split('\n')
      .filter(Boolean);
    const needed = tracked.filter(
      (p) =>
        /^(src|cli|bot|action|scripts|schemas)\//.test(p) ||
        ['package.json', 'package-lock.json', 'app.yml', '.env.example'].includes(p),
    );
    expect(needed.length).toBeGreaterThan(50);
    expect(needed.filter(excluded)).toEqual([]);
  });
});

describeAsRoot(
  'the Docker recipes, run as a non-root user in a root-owned /app with the /data volume',
  () => {
    it('the bot (CMD, --env-file .env as Probot wrote it) serves /ping as a non-root user', async () => {
      const line = recipes().dockerfile.find((l) => l.endsWith(' uptime-action'))!;
      expect(line).toContain('--env-file .env');
      const port = await freePort();
      const run = start(dockerRun(line, port));
      await until(
        run,
        async () => {
          try {
            const res = await fetch(`http://127.0.0.1:${port}/ping`);
            return res.ok && (await res.text()).includes('PONG');
          } catch {
            return false;
          }
        },
        'an answer on /ping',
      );
      const uid = /^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${run.child.pid}/status`, 'utf8'))?.[1];
      expect(uid).toBe(String(UID));
      run.child.kill('SIGTERM');
      expect(await exited(run.child)).toBe(0);
      expect(run.output()).not.toMatch(/EACCES|BEGIN RSA/);
    }, 90_000);

    it('watch saves its state to the volume, and a stop (SIGTERM, as docker stop) ends it cleanly with the state saved', async () => {
      const line = recipes().dockerfile.find((l) => l.includes(' watch '))!;
      const spec = dockerRun(line, await freePort());
      const volume = spec.mounts.find((m) => m.target === '/data')!.source;
      const state = join(volume, 'state.json');
      const run = start(spec);
      await until(
        run,
        () => existsSync(state) && readFileSync(state, 'utf8').includes('"api"'),
        'state.json on the volume',
      );
      run.child.kill('SIGTERM');
      expect(await exited(run.child)).toBe(0);
      expect(run.output()).not.toMatch(/could not save|EACCES|EROFS/);
      expect(run.output()).toContain('state saved to /data/state.json');
      expect(statSync(state).uid).toBe(UID);
      expect(JSON.parse(readFileSync(state, 'utf8'))).toHaveProperty('services.api');
      // Nothing was written in the image's /app (root-owned): the whole state is on the volume.
      expect(readdirSync(image.appDir).sort()).toEqual(['.github', 'app.yml', 'dist', 'package.json']);
      expect(run.output()).not.toContain('rw_docker_test_token');
    }, 90_000);

    it('sweep (one run) saves its state to the same volume and exits 0', async () => {
      const line = recipes().dockerfile.find((l) => l.includes(' sweep '))!;
      const spec = dockerRun(line, await freePort());
      const state = join(spec.mounts.find((m) => m.target === '/data')!.source, 'state.json');
      const before = existsSync(state) ? readFileSync(state, 'utf8') : '';
      const run = start(spec);
      expect(await exited(run.child)).toBe(0);
      expect(run.output()).not.toMatch(/could not save|EACCES|EROFS/);
      const after = readFileSync(state, 'utf8');
      expect(after).not.toBe(before);
      expect(JSON.parse(after)).toHaveProperty('services.api');
    }, 90_000);

    it('docker-compose.yml: the bot runs the image CMD; the watch service runs the watch recipe with the same volume', () => {
      const compose = parse(read('docker-compose.yml')) as {
        services: Record<
          string,
          { command?: string[]; volumes?: string[]; user?: string; init?: boolean; env_file?: string }
        >;
        volumes: Record<string, unknown>;
      };
      const { bot, watch } = compose.services;
      expect(bot.command).toBeUndefined();
      expect(bot.user).toBeUndefined(); // the image's non-root user
      expect(bot.init).toBe(true);
      const recipe = dockerRun(
        recipes().dockerfile.find((l) => l.includes(' watch '))!,
        0,
      );
      expect(watch.command).toEqual(recipe.command);
      expect(watch.init).toBe(true);
      const volume = watch.volumes!.find((v) => v.split(':')[1] === image.volume)!;
      expect(Object.keys(compose.volumes)).toContain(volume.split(':')[0]);
      expect(watch.volumes).toContain('./.github:/app/.github:ro');
    });
  },
);
