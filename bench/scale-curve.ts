/**
 * Section 2b, the hosted watch's scale: one sweep of 100 / 1,000 / 10,000 loopback endpoints (5% hanging) in
 * this process, the test servers in a CHILD process (bench/lib/farm.mjs) so the memory figures are the
 * prober's alone. Wall time × the probe timeout and memory per endpoint (heap and RSS growth over the
 * baseline before the endpoints' config existed, peaks sampled every 10 ms).
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { parseConfig } from '../src/config/load.js';
import { sweep } from '../src/engine/sweep.js';
import { probeAll, probeService } from '../src/probe/index.js';
import { emptyState } from '../src/state/records.js';
import { systemClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';
import { humanBytes, humanMs, markdownTable, verdict } from './lib/stats.js';

const farmScript = join(dirname(fileURLToPath(import.meta.url)), 'lib', 'farm.mjs');
/** The config's ceiling on probeConcurrency (src/config/schema.ts). */
const MAX_PROBE_CONCURRENCY = 1000;

export interface CurveOptions {
  sizes: number[];
  timeoutMs: number;
  /** Servers in the child; each serves many endpoints by path. @default 16 */
  servers?: number;
}

interface Farm {
  ports: number[];
  child: ChildProcess;
}

async function startFarm(servers: number): Promise<Farm> {
  const child = spawn(process.execPath, [farmScript, String(servers), '20'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    const rl = createInterface({ input: child.stdout! });
    rl.once('line', resolve);
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`bench: the farm exited with code ${code}`)));
  });
  return { ports: (JSON.parse(line) as { ports: number[] }).ports, child };
}

function gc() {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Runs `fn`, sampling memory every 10 ms; wall time and peaks. */
async function measured<T>(fn: () => Promise<T>) {
  let rss = process.memoryUsage().rss;
  let heap = process.memoryUsage().heapUsed;
  const sampler = setInterval(() => {
    const m = process.memoryUsage();
    rss = Math.max(rss, m.rss);
    heap = Math.max(heap, m.heapUsed);
  }, 10);
  const started = performance.now();
  try {
    const value = await fn();
    return { value, ms: performance.now() - started, rss, heap };
  } finally {
    clearInterval(sampler);
  }
}

interface Point {
  what: string;
  endpoints: number;
  concurrency: number;
  ms: number;
  failed: number;
  heapPer: number;
  rssPer: number;
}

function fdLimit(): string {
  try {
    const soft = execFileSync('sh', ['-c', 'ulimit -Sn'], { encoding: 'utf8' }).trim();
    const hard = execFileSync('sh', ['-c', 'ulimit -Hn'], { encoding: 'utf8' }).trim();
    return `open files: soft ${soft}, hard ${hard}`;
  } catch {
    return 'open files: unknown';
  }
}

/** Runs the section; returns Markdown. */
export async function runScaleCurve(options: CurveOptions): Promise<string> {
  const farm = await startFarm(options.servers ?? 16);
  const points: Point[] = [];
  try {
    for (const n of options.sizes) {
      for (const engine of [false, true]) {
        gc();
        const base = process.memoryUsage();
        const services: Record<string, { url: string; timeout: number }> = {};
        for (let i = 0; i < n; i++)
          services[`e${i}`] = {
            url: `http://127.0.0.1:${farm.ports[i % farm.ports.length]}/e/${i}`,
            timeout: options.timeoutMs,
          };
        const concurrency = engine ? Math.min(n, MAX_PROBE_CONCURRENCY) : n;
        const config = parseConfig(
          { mode: 'normal', probeConcurrency: Math.min(concurrency, MAX_PROBE_CONCURRENCY), services },
          'bench (scale curve)',
        );
        const list = Object.values(config.services);
        const m = engine
          ? await measured(async () => {
              const r = await sweep(
                {
                  config,
                  provider: () => {
                    throw new Error('bench: no recovery in the scale run');
                  },
                  providerContext: {
                    env: {},
                    fetch: globalThis.fetch,
                    clock: systemClock,
                    logger: silentLogger,
                  },
                  probe: (s, o) => probeService(s, o),
                  clock: systemClock,
                  logger: silentLogger,
                  dryRun: true,
                },
                emptyState(),
              );
              return Object.values(r.services).filter((s) => s.status !== 'up').length;
            })
          : await measured(
              async () =>
                (await probeAll(list, (s) => probeService(s), concurrency)).filter((r) => !r.ok).length,
            );
        points.push({
          what: engine ? 'engine sweep(), normal' : 'probeAll + probeService',
          endpoints: n,
          concurrency,
          ms: m.ms,
          failed: m.value,
          heapPer: (m.heap - base.heapUsed) / n,
          rssPer: (m.rss - base.rss) / n,
        });
      }
    }
  } finally {
    farm.child.stdin?.end();
    farm.child.kill();
  }
  return curveMarkdown(options, points);
}

function curveMarkdown(options: CurveOptions, points: Point[]): string {
  const table = markdownTable(
    [
      'sweep',
      'endpoints',
      'concurrency',
      'wall time',
      '× timeout',
      'failed',
      'heap / endpoint',
      'RSS / endpoint',
    ],
    points.map((p) => [
      p.what,
      p.endpoints.toLocaleString('en-US'),
      p.concurrency,
      humanMs(p.ms),
      (p.ms / options.timeoutMs).toFixed(2),
      p.failed,
      humanBytes(p.heapPer),
      humanBytes(Math.max(0, p.rssPer)),
    ]),
  );
  const largest = Math.max(...points.map((p) => p.endpoints));
  const top = points.filter((p) => p.endpoints === largest);
  const fastest = Math.min(...top.map((p) => p.ms)) / options.timeoutMs;
  const heapPer = Math.max(...top.map((p) => p.heapPer));
  return [
    `### 2b. The hosted watch's scale: one sweep of ${options.sizes.map((s) => s.toLocaleString('en-US')).join(' / ')} endpoints (5% hanging, probe timeout ${humanMs(options.timeoutMs)}; servers in a child process)`,
    '',
    table,
    '',
    `${verdict(fastest <= 1.3)} ${largest.toLocaleString('en-US')} endpoints in ${fastest.toFixed(2)} × the probe timeout (target ≤ 1.3×).`,
    `${verdict(heapPer <= 100 * 1024)} at most ${humanBytes(heapPer)} of heap per endpoint at ${largest.toLocaleString('en-US')} (target ≤ 100 KB).`,
    `Memory per endpoint = (peak during the sweep − before the endpoints' config was built) / endpoints, sampled every ` +
      `10 ms after a full GC; it includes the config, the sockets and the results. RSS never shrinks back, so ` +
      `its growth is smaller for the later rows. The engine's sweep uses probeConcurrency ${MAX_PROBE_CONCURRENCY} ` +
      `(the config's ceiling); probeAll runs every probe at once. The test servers (${options.servers ?? 16}, ` +
      `endpoints \`/e/<n>\` by path) run in a child process on the same 2 shared cores; ${fdLimit()} (each probe ` +
      'holds one socket; the child holds the other end).',
  ].join('\n');
}
