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
import { Agent, getGlobalDispatcher, setGlobalDispatcher } from 'undici';
import { parseConfig } from '../src/config/load.js';
import { sweep } from '../src/engine/sweep.js';
import { probeAll, probeService } from '../src/probe/index.js';
import { emptyState } from '../src/state/records.js';
import { systemClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';
import type { Config } from '../src/config/schema.js';
import type { UptimeState } from '../src/state/types.js';
import {
  humanBytes,
  humanMs,
  markdownTable,
  measured,
  verdict,
  type SectionResult,
  type Target,
} from './lib/stats.js';

const farmScript = join(dirname(fileURLToPath(import.meta.url)), 'lib', 'farm.mjs');
/** The config's ceiling on probeConcurrency (src/config/schema.ts). */
const MAX_PROBE_CONCURRENCY = 10_000;
/** The narrower concurrency measured beside it (the old ceiling). */
const NARROW = 1000;

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

/**
 * Between rows: close the previous row's kept-alive sockets (fetch's global dispatcher keeps up to one per
 * endpoint open for a few seconds), so each row starts with no sockets and 10,000 probes in flight fit the
 * open-files limit twice over.
 */
async function freshSockets(): Promise<void> {
  const old = getGlobalDispatcher();
  setGlobalDispatcher(new Agent());
  await old.close();
  gc();
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

/** The engine's sweep over `config` from `state`, with no recovery (dry run): failed services and the new state. */
async function engineSweep(config: Config, state: UptimeState) {
  const r = await sweep(
    {
      config,
      provider: () => {
        throw new Error('bench: no recovery in the scale run');
      },
      providerContext: { env: {}, fetch: globalThis.fetch, clock: systemClock, logger: silentLogger },
      probe: (s, o) => probeService(s, o),
      clock: systemClock,
      logger: silentLogger,
      dryRun: true,
    },
    state,
  );
  return { failed: Object.values(r.services).filter((s) => s.error !== undefined).length, state: r.state };
}

/** Runs the section; returns its Markdown and targets. */
export async function runScaleCurve(options: CurveOptions): Promise<SectionResult> {
  const farm = await startFarm(options.servers ?? 16);
  const points: Point[] = [];
  try {
    for (const n of options.sizes) {
      const services: Record<string, { url: string; timeout: number }> = {};
      const configAt = (concurrency: number) =>
        parseConfig({ mode: 'normal', probeConcurrency: concurrency, services }, 'bench (scale curve)');
      gc();
      const base = process.memoryUsage();
      for (let i = 0; i < n; i++)
        services[`e${i}`] = {
          url: `http://127.0.0.1:${farm.ports[i % farm.ports.length]}/e/${i}`,
          timeout: options.timeoutMs,
        };
      const point = (what: string, concurrency: number, m: Awaited<ReturnType<typeof measured<number>>>) =>
        points.push({
          what,
          endpoints: n,
          concurrency,
          ms: m.ms,
          failed: m.value,
          heapPer: (m.heap - base.heapUsed) / n,
          rssPer: (m.rss - base.rss) / n,
        });
      // 1. Every probe at once, no engine: the floor.
      const all = Object.values(configAt(Math.min(n, MAX_PROBE_CONCURRENCY)).services);
      await freshSockets();
      point(
        'probeAll + probeService, all at once',
        n,
        await measured(
          async () => (await probeAll(all, (s) => probeService(s), n)).filter((r) => !r.ok).length,
        ),
      );
      // 2. The engine's first sweep (nothing known yet) with a slot per endpoint.
      const wide = configAt(Math.min(n, MAX_PROBE_CONCURRENCY));
      await freshSockets();
      point(
        'engine sweep(), first sweep',
        wide.probeConcurrency,
        await measured(async () => (await engineSweep(wide, emptyState())).failed),
      );
      if (n <= NARROW) continue;
      // 3. Fewer slots than endpoints: the first sweep meets the hanging endpoints as they come …
      const narrow = configAt(NARROW);
      await freshSockets();
      let after = emptyState();
      point(
        'engine sweep(), first sweep',
        NARROW,
        await measured(async () => {
          const r = await engineSweep(narrow, emptyState());
          after = r.state;
          return r.failed;
        }),
      );
      // 4. The next sweep re-probes each timed-out endpoint once before calling it down (the confirm policy:
      //    a timeout is confirmed once), so it takes about two timeouts by design …
      await freshSockets();
      point(
        'engine sweep(), second sweep (confirms the timeouts)',
        NARROW,
        await measured(async () => {
          const r = await engineSweep(narrow, after);
          after = r.state;
          return r.failed;
        }),
      );
      // 5. … and from then on (steady state) the endpoints that timed out start first (slowest first), so they
      //    hold their slots from the start while the rest flow through the others.
      await freshSockets();
      point(
        'engine sweep(), steady state (slowest first)',
        NARROW,
        await measured(async () => (await engineSweep(narrow, after)).failed),
      );
    }
  } finally {
    farm.child.stdin?.end();
    farm.child.kill();
  }
  return curveMarkdown(options, points);
}

function curveMarkdown(options: CurveOptions, points: Point[]): SectionResult {
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
      p.concurrency.toLocaleString('en-US'),
      humanMs(p.ms),
      (p.ms / options.timeoutMs).toFixed(2),
      p.failed,
      humanBytes(p.heapPer),
      humanBytes(Math.max(0, p.rssPer)),
    ]),
  );
  const largest = Math.max(...points.map((p) => p.endpoints));
  const label = largest.toLocaleString('en-US');
  const top = points.filter((p) => p.endpoints === largest && p.what.startsWith('engine'));
  const hanging = Math.round(largest / 20);
  const targets: Target[] = top.map((p) => {
    const confirming = p.what.includes('confirms');
    return {
      figure: `one sweep of ${label} endpoints (5% hanging): ${p.what.replace('engine sweep(), ', '')}, probeConcurrency ${p.concurrency.toLocaleString('en-US')}`,
      value: `${(p.ms / options.timeoutMs).toFixed(2)} × the probe timeout (${p.failed} failed of ${hanging} hanging)`,
      target: confirming ? 'information (a timeout is re-probed once before "down": ≈ 2 ×)' : '≤ 1.3 ×',
      ok: confirming ? undefined : p.ms / options.timeoutMs <= 1.3 && p.failed === hanging,
    };
  });
  const heapPer = Math.max(...points.filter((p) => p.endpoints === largest).map((p) => p.heapPer));
  targets.push({
    figure: `memory per endpoint at ${label} endpoints (heap, the most of any row)`,
    value: humanBytes(heapPer),
    target: '≤ 100 KB',
    ok: heapPer <= 100 * 1024,
  });
  const markdown = [
    `### 2b. The hosted watch's scale: one sweep of ${options.sizes.map((s) => s.toLocaleString('en-US')).join(' / ')} endpoints (5% hanging, probe timeout ${humanMs(options.timeoutMs)}; servers in a child process)`,
    '',
    table,
    '',
    ...targets.map(
      (t) => `${t.ok === undefined ? 'ℹ️' : verdict(t.ok)} ${t.figure}: ${t.value} (target ${t.target}).`,
    ),
    '',
    `Memory per endpoint = (peak during the sweep − before the endpoints' config was built) / endpoints, sampled every ` +
      `10 ms after a full GC; it includes the config, the sockets, the results and (next sweep) the state. RSS never ` +
      `shrinks back, so its growth is smaller for the later rows. "First sweep": nothing is known yet, so the probes ` +
      `start in config order; with ${NARROW.toLocaleString('en-US')} slots a hanging endpoint may wait behind fast ` +
      `ones for a slot. "Second sweep": each endpoint that timed out is re-probed once before it is called down (the ` +
      `confirm policy), so that sweep takes about two timeouts by design. "Steady state": the sweep starts the ` +
      `endpoints whose last check was slowest first (each service's \`lastCheckMs\` in the state), so the ${hanging} ` +
      `hanging ones hold their slots from the start and the rest flow through the others. The test servers (${options.servers ?? 16}, endpoints \`/e/<n>\` by path) run in ` +
      `a child process on the same 2 cores; ${fdLimit()} (each probe holds one socket; the child holds the other end).`,
  ].join('\n');
  return { markdown, targets };
}
