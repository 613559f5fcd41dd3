import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';
import { root, runProcess } from '../action/bundle.js';

/**
 * bullmq, ioredis and prom-client are development dependencies (docs/releasing.md: the package installs no
 * dependency): the CLI bundle must carry them for the scale-out's worker. This bundles them with
 * scripts/build.mjs's settings, runs the bundle from a folder with no node_modules, and has it process a
 * job through a real Redis (Debian's redis-server on a Unix socket) and count it in a prom-client metric.
 */
let dir: string;
let redis: ChildProcess | undefined;
const socket = () => join(dir, 'redis.sock');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'uptime-bundled-queue-'));
  redis = spawn(
    'redis-server',
    ['--port', '0', '--unixsocket', socket(), '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'ignore'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    redis!.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('ready to accept connections')) resolve();
    });
    redis!.on('exit', (code) => reject(new Error(`redis-server exited ${code}: ${out}`)));
  });
}, 30_000);

afterAll(() => {
  redis?.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
});

describe('the queue libraries inside a bundle', () => {
  it('a bundle of bullmq + ioredis + prom-client runs a job with no node_modules beside it', async () => {
    const entry = join(dir, 'entry.ts');
    writeFileSync(
      entry,
      `
import { Queue, Worker } from 'bullmq';
import IORedis from 'ioredis';
import { Counter, Registry } from 'prom-client';
const path = process.argv[2];
const connection = () => new IORedis({ path, maxRetriesPerRequest: null });
const registry = new Registry();
const jobs = new Counter({ name: 'uptime_jobs_total', help: 'jobs', registers: [registry] });
const queue = new Queue('sweeps', { connection: connection() });
const worker = new Worker('sweeps', async (job) => { jobs.inc(); return job.data.n * 2; }, { connection: connection() });
const result = new Promise((resolve) => worker.on('completed', (_job, value) => resolve(value)));
await queue.add('sweep', { n: 21 });
console.log('result', await result);
console.log((await registry.metrics()).split('\\n').find((l) => l.startsWith('uptime_jobs_total')));
await worker.close();
await queue.close();
process.exit(0);
`,
    );
    const outfile = join(dir, 'bundle.mjs');
    await build({
      absWorkingDir: root,
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: 'esm',
      platform: 'node',
      target: 'node20',
      minify: true,
      legalComments: 'none',
      logLevel: 'warning',
      nodePaths: [join(root, 'node_modules')],
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
    });
    const { code, output } = await runProcess(process.execPath, [outfile, socket()], {
      cwd: dir,
      env: { PATH: process.env.PATH, NODE_OPTIONS: '' },
    });
    expect(output).toContain('result 42');
    expect(output).toContain('uptime_jobs_total 1');
    expect(code).toBe(0);
  }, 60_000);
});
