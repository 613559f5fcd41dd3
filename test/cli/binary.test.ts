import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';
import { buildCli, runBuilt, type RunOptions } from './built.js';
import { compileCache } from '../helpers/bundles.js';

let built: Awaited<ReturnType<typeof buildCli>>;
let dir: string;
const env = { PATH: process.env.PATH, HOME: process.env.HOME, ...compileCache() };

beforeAll(async () => {
  built = await buildCli();
  dir = await mkdtemp(join(tmpdir(), 'uptime-bin-'));
}, 60_000);

afterAll(async () => {
  await closeAllTestServers();
  await built?.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const run = (args: string[], options: RunOptions = {}) =>
  runBuilt(built.cli, args, { cwd: dir, env, ...options });

/** A folder with `.github/uptime.yml` for the given services (name → URL). */
async function project(services: Record<string, string>, extra = ''): Promise<string> {
  const root = await mkdtemp(join(dir, 'project-'));
  const { mkdir } = await import('node:fs/promises');
  await mkdir(join(root, '.github'));
  const body = Object.entries(services)
    .map(([id, url]) => `  ${id}:\n    name: ${id.toUpperCase()} service\n    url: ${url}\n    timeout: 2s\n`)
    .join('');
  await writeFile(join(root, '.github', 'uptime.yml'), `mode: extreme\n${extra}services:\n${body}`);
  return root;
}

describe('the built CLI (dist/cli.js from the build) as a real process', () => {
  it("--version and --help; check --help is check's own help, not the global one", async () => {
    const version = await run(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['check', 'sweep', 'watch', 'status', 'doctor', 'init', 'demo'])
      expect(help.stdout).toContain(`  ${command}`);
    const check = await run(['check', '--help']);
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^uptime-action check\n/);
    expect(check.stdout).toContain('--json');
    expect(check.stdout).not.toContain('--duration');
    expect(check.stdout).not.toContain('Commands:');
    const watch = await run(['help', 'watch']);
    expect(watch.stdout).toMatch(/^uptime-action watch \[--duration 2m\]/);
  });

  it('unknown and inapplicable options: one clear line, exit 2, no parseArgs text', async () => {
    const bogus = await run(['check', '--bogus']);
    expect(bogus.code).toBe(2);
    expect(bogus.stderr.trim()).toBe('❌ check: unknown option --bogus; see uptime-action check --help');
    const duration = await run(['check', '-d', '5m']);
    expect(duration.code).toBe(2);
    expect(duration.stderr.trim()).toBe(
      '❌ check: option --duration does not apply to check; see uptime-action check --help',
    );
    const json = await run(['watch', '--json']);
    expect(json.code).toBe(2);
    expect(json.stderr).toContain('watch: option --json does not apply to watch');
    const missing = await run(['sweep', '--config']);
    expect(missing.code).toBe(2);
    expect(missing.stderr.trim()).toBe(
      '❌ sweep: option --config needs a value; see uptime-action sweep --help',
    );
    for (const r of [bogus, duration, json, missing]) {
      expect(r.stderr).not.toMatch(/ERR_PARSE_ARGS|TypeError|\n\s+at /);
      expect(r.stdout).toBe('');
    }
  });

  it('check probes only: exit 1 for a 503, nothing written, no restart, --json says down with the error', async () => {
    const [up, down] = await Promise.all([
      startTestServer(),
      startTestServer({ kind: 'status', status: 503 }),
    ]);
    const root = await project(
      { api: up.url, web: down.url },
      `# a restart would be recorded by this file\n`,
    );
    const human = await run(['check'], { cwd: root });
    expect(human.code).toBe(1);
    expect(human.stdout).toMatch(/✅ API service\s+up\s+\d+ms/);
    expect(human.stdout).toMatch(/❌ WEB service\s+down\s+— HTTP 503/);
    expect(human.stdout).toContain('DOWN: 1 of 2 services healthy');
    expect(down.requests).toBe(1); // one probe: no confirm, no waiting
    const json = await run(['check', '--json'], { cwd: root });
    expect(json.code).toBe(1);
    const report = JSON.parse(json.stdout) as {
      status: string;
      downServices: string[];
      services: Record<string, { status: string; error: string | null }>;
    };
    expect(report.status).toBe('down');
    expect(report.downServices).toEqual(['web']);
    expect(report.services.web).toMatchObject({ status: 'down', error: 'HTTP 503' });
    expect(report.services.api).toMatchObject({ status: 'up', error: null });
    // The human report and the JSON agree, service by service.
    for (const [id, s] of Object.entries(report.services))
      expect(human.stdout).toMatch(new RegExp(`${id.toUpperCase()} service\\s+${s.status}\\b`));
    expect(existsSync(join(root, '.uptime'))).toBe(false);
    const allUp = await run(['check'], { cwd: await project({ api: up.url }) });
    expect(allUp.code).toBe(0);
  });

  it('sweep confirms, saves the state and exits 1 while still down; status --json reads it back', async () => {
    const down = await startTestServer({ kind: 'status', status: 500 });
    const root = await project({ api: down.url });
    const sweep = await run(['sweep'], { cwd: root });
    expect(sweep.code).toBe(1);
    expect(down.requests).toBe(3); // the check and two confirm re-probes (a fast failure is confirmed twice)
    expect(existsSync(join(root, '.uptime', 'state.json'))).toBe(true);
    const status = await run(['status', '--json'], { cwd: root });
    expect(status.code).toBe(0);
    const json = JSON.parse(status.stdout) as { services: Record<string, { status: string; error: string }> };
    expect(json.services.api).toMatchObject({ status: 'down', error: 'HTTP 500' });
    const text = await run(['status'], { cwd: root });
    expect(text.stdout).toMatch(/🔴 API service \(api\): DOWN \(HTTP 500/);
  });

  it('colours: none when piped, with FORCE_COLOR=1, none again with NO_COLOR', async () => {
    const up = await startTestServer();
    const root = await project({ api: up.url });
    const esc = '\u001b[';
    expect((await run(['check'], { cwd: root })).stdout).not.toContain(esc);
    expect((await run(['check'], { cwd: root, env: { ...env, FORCE_COLOR: '1' } })).stdout).toContain(esc);
    expect((await run(['check'], { cwd: root, env: { ...env, NO_COLOR: '1' } })).stdout).not.toContain(esc);
  });

  it('a closed stdout (doctor | head -1) ends quietly: no EPIPE, no stack', async () => {
    const up = await startTestServer();
    const root = await project({ api: up.url });
    for (const args of [['doctor'], ['status'], ['--help']]) {
      const r = await run(args, { cwd: root, closeStdout: true });
      expect(r.stderr).toBe('');
      expect([0, 1]).toContain(r.code);
    }
  });

  // The two watches mostly wait out their duration: they run side by side.
  it.concurrent(
    'watch -d 3s exits 0 after its duration even with a service down, logging lines when piped',
    async () => {
      const down = await startTestServer({ kind: 'status', status: 503 });
      const root = await project({ api: down.url }, 'healthCheckInterval: 1s\n');
      const r = await run(['watch', '-d', '3s'], { cwd: root });
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/API service is DOWN/);
      expect(r.stdout).toContain('STATUS REPORT');
      expect(r.stdout).not.toContain('\u001b[');
    },
  );

  it.concurrent('watch in a terminal (script(1) gives it a pty) redraws the table in place', async () => {
    const up = await startTestServer();
    const root = await project({ api: up.url }, 'healthCheckInterval: 1s\n');
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        'script',
        ['-qec', `stty rows 40 cols 160; ${process.execPath} ${built.cli} watch -d 2500ms`, '/dev/null'],
        { cwd: root, env: { ...env, TERM: 'xterm' }, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let out = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.once('close', (code) => resolve({ code, out }));
    });
    expect(r.code).toBe(0);
    expect(r.out).toContain('uptime-action watch · mode extreme');
    expect(r.out).toMatch(/API service\s+\S*up/);
    // log-update erases the previous frame's lines before drawing the next: cursor up + erase line.
    expect(r.out.includes('\u001b[1A') || r.out.includes('\u001b[2K')).toBe(true);
    expect(r.out).toMatch(/[▁▂▃▅▇]/);
    expect(r.out).not.toContain('STATUS REPORT');
  });

  it('init writes the config and the workflow, refuses to overwrite without --force, reads the old variables', async () => {
    const root = await mkdtemp(join(dir, 'init-'));
    const first = await run(
      [
        'init',
        '--service',
        'api=https://api.example.com/health',
        '--provider',
        'render',
        '--service-id',
        'srv-abc123',
      ],
      { cwd: root },
    );
    expect(first.code).toBe(0);
    const config = await readFile(join(root, '.github', 'uptime.yml'), 'utf8');
    expect(config).toContain('url: https://api.example.com/health');
    expect(config).toContain('provider: render');
    expect(config).toContain('serviceId: srv-abc123');
    const workflow = await readFile(join(root, '.github', 'workflows', 'uptime.yml'), 'utf8');
    expect(workflow).toContain("cron: '*/30 * * * *'");
    expect(workflow).toContain('RENDER_API_KEY: ${{ secrets.RENDER_API_KEY }}');
    const again = await run(['init', '--service', 'web=https://web.example.com/'], { cwd: root });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already exist');
    expect(again.stderr).toContain('--force');
    expect(await readFile(join(root, '.github', 'uptime.yml'), 'utf8')).toBe(config);
    const old = await run(['init', '--force', '--schedule', '0 * * * *'], {
      cwd: root,
      env: { ...env, BACKEND_URL: 'https://backend.example.com', BACKEND_SERVICE_ID: 'svc-1' },
    });
    expect(old.code).toBe(0);
    const migrated = await readFile(join(root, '.github', 'uptime.yml'), 'utf8');
    expect(migrated).toContain('url: https://backend.example.com/health');
    expect(migrated).toContain('serviceId: svc-1');
    expect(await readFile(join(root, '.github', 'workflows', 'uptime.yml'), 'utf8')).toContain(
      "cron: '0 * * * *'",
    );
    const none = await run(['init'], { cwd: await mkdtemp(join(dir, 'init-none-')) });
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('init: no service given; use --service api=https://api.example.com/health');
    const bad = await run(['init', '--service', 'api=ftp://x'], { cwd: root });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('is not an http(s) URL');
  });

  it('demo from a copied dist/cli.js alone says clearly what it needs instead of failing obscurely', async () => {
    const r = await run(['demo']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('The demo needs its two small service scripts');
    expect(r.stderr).not.toMatch(/\.log/);
  });
});
