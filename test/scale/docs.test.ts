import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'yaml';
import { freePort, startRedis, type TestRedis } from '../helpers/redis.js';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';

/** docs/scale-out.md is a test: its "On one machine" commands run here, against a real Redis and real workers. */
const ROOT = new URL('../..', import.meta.url).pathname;
const doc = readFileSync(join(ROOT, 'docs/scale-out.md'), 'utf8');
const block = (heading: string, lang: string) => {
  const section = doc.slice(doc.indexOf(heading));
  return new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(section)![1];
};

let redis: TestRedis;
const children: ChildProcess[] = [];
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const child of children) stopGroup(child);
  await closeAllTestServers();
  await redis.stop();
});

describe('docs/scale-out.md', () => {
  it('"On one machine": the two workers start as shown, share the repository and answer /health', async () => {
    const lines = block('## On one machine', 'sh').trim().split('\n');
    // The Redis line: the test starts its own redis-server with the same settings on a free port.
    expect(lines[0]).toBe("redis-server --port 6379 --save '' --appendonly no --daemonize yes");
    const service = await startTestServer({ kind: 'up' });
    const dir = mkdtempSync(join(tmpdir(), 'uptime-doc-'));
    const config = join(dir, 'uptime.yml');
    writeFileSync(
      config,
      `mode: extreme\nhealthCheckInterval: 1s\nservices:\n  api:\n    url: ${service.url}\n`,
    );
    const ports = [await freePort(), await freePort()];
    const workers = lines.filter((l) => l.includes('npm run worker'));
    expect(workers).toHaveLength(2);
    for (const [i, line] of workers.entries()) {
      const command = line
        .replace(/ &$/, '')
        .replace(/PORT=946\d/, `PORT=${ports[i]}`)
        .replaceAll('.github/uptime.yml', config)
        .replaceAll('.uptime/state.json', join(dir, 'state.json'));
      const env = { PATH: process.env.PATH, UPTIME_REDIS_URL: redis.url, HOST: '127.0.0.1' };
      expect(lines[1]).toBe('export UPTIME_REDIS_URL=redis://127.0.0.1:6379');
      const child = spawn(
        'bash',
        ['-c', `exec ${command.replace(/^(\S+=\S+ )+/, (vars) => `env ${vars}`)}`],
        { cwd: ROOT, env, stdio: 'ignore', detached: true },
      );
      children.push(child);
    }
    const health = lines.at(-1)!.replace('9464', String(ports[0]));
    expect(health).toBe(`curl -s http://127.0.0.1:${ports[0]}/health`);
    const url = health.split(' ').at(-1)!;
    const answer = await poll(async () => {
      const res = await fetch(url).catch(() => undefined);
      return res?.ok ? ((await res.json()) as { location: string }) : undefined;
    }, 30_000);
    expect(answer.location).toBe('fra');
    // Both locations' workers take sweeps of `shop` (served in the metrics of the one that swept last).
    await poll(async () => {
      const texts = await Promise.all(
        ports.map((p) =>
          fetch(`http://127.0.0.1:${p}/metrics`)
            .then((r) => r.text())
            .catch(() => ''),
        ),
      );
      return (
        texts.filter((t) => /uptime_last_sweep_timestamp_seconds\{repo="shop"/.test(t)).length === 2 ||
        undefined
      );
    }, 30_000);
    for (const child of children) stopGroup(child);
  }, 60_000);

  it('the Fly.io example and docker-compose.scale.yml use the names the worker reads', () => {
    const toml = block('## Worked example: Fly.io regions', 'toml');
    const scripts = (
      JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
    ).scripts;
    expect(toml).toContain('worker = "npm run worker"');
    expect(scripts.worker).toBe('tsx cli/index.ts worker');
    expect(toml).toMatch(/path = "\/health"/);
    expect(toml).toMatch(/\[metrics\]\n\s+port = 9464\n\s+path = "\/metrics"/);
    const compose = parse(readFileSync(join(ROOT, 'docker-compose.scale.yml'), 'utf8')) as {
      services: Record<string, { command?: string[]; environment?: Record<string, string> }>;
    };
    const workers = Object.values(compose.services).filter((s) => s.command?.join(' ') === 'npm run worker');
    expect(workers.map((w) => w.environment?.UPTIME_LOCATION).sort()).toEqual(['fra', 'iad']);
    for (const service of [...workers, compose.services.bot])
      expect(service.environment?.UPTIME_REDIS_URL).toBe('redis://redis:6379');
  });
});

/** npm and the worker under it: the whole process group (started detached), by its id. */
function stopGroup(child: ChildProcess): void {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

async function poll<T>(fn: () => Promise<T | undefined>, timeoutMs: number): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await fn();
    if (value !== undefined) return value;
    if (Date.now() - started > timeoutMs) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
