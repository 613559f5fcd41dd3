/**
 * Section 2, sweep scale: N endpoints on 127.0.0.1 (a few node:http servers serving many paths), 5% of them
 * hanging (accept, never answer). Our sweep (`probeAll` + `probeService`, and the engine's `sweep` with its
 * confirm re-probe) at several concurrencies vs the probe timeout and vs a sequential sweep; peak memory.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { parseConfig } from '../src/config/load.js';
import type { Mode } from '../src/config/presets.js';
import type { ServiceConfig } from '../src/config/schema.js';
import { sweep } from '../src/engine/sweep.js';
import { probeAll, probeService } from '../src/probe/index.js';
import { emptyState } from '../src/state/records.js';
import { systemClock } from '../src/util/clock.js';
import { silentLogger } from '../src/util/logger.js';
import {
  humanBytes,
  humanMs,
  markdownTable,
  measured,
  median,
  verdict,
  type SectionResult,
  type Target,
} from './lib/stats.js';

/** The config's default (src/config/schema.ts), computed so this text can't go stale. */
const DEFAULT_PROBE_CONCURRENCY = parseConfig(
  { services: { a: { url: 'http://127.0.0.1/' } } },
  'default',
).probeConcurrency;

export interface ScaleOptions {
  endpoints: number;
  /** Share hanging. @default 0.05 */
  hangingShare?: number;
  timeoutMs: number;
  /**
   * The probe timeout of the endpoints that answer. @default timeoutMs. The smoke test sets it high so a
   * loaded machine cannot turn a healthy answer into a timeout: only the hanging endpoints fail, every time.
   */
  healthyTimeoutMs?: number;
  /** Concurrencies to measure. */
  concurrencies: number[];
  /** Runs per concurrency; the median is reported. */
  runs: number;
  /** Sequential sweep: the whole list, or this many endpoints and extrapolated. */
  sequentialSample?: number;
  servers?: number;
  /** The concurrency the config should use (the verdicts and the engine sweeps use it). */
  pick: number;
}

interface Farm {
  origins: string[];
  close(): Promise<void>;
}

/** `servers` HTTP servers on 127.0.0.1: `/ok/*` answers `ok`, `/hang/*` never answers. */
async function startFarm(servers: number): Promise<Farm> {
  const list: Server[] = [];
  const sockets = new Set<Socket>();
  for (let i = 0; i < servers; i++) {
    const server = createServer((req, res) => {
      if (req.url?.startsWith('/hang/')) return; // accept and never answer
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok');
    });
    server.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    server.maxConnections = 5000;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    list.push(server);
  }
  return {
    origins: list.map((s) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all(list.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}

function servicesFor(farm: Farm, options: ScaleOptions, mode: Mode = 'normal') {
  const hangingEvery = Math.round(1 / (options.hangingShare ?? 0.05));
  const services: Record<string, { url: string; timeout: number }> = {};
  for (let i = 0; i < options.endpoints; i++) {
    const origin = farm.origins[i % farm.origins.length];
    const kind = i % hangingEvery === hangingEvery - 1 ? 'hang' : 'ok';
    const timeout = kind === 'ok' ? (options.healthyTimeoutMs ?? options.timeoutMs) : options.timeoutMs;
    services[`svc-${i}`] = { url: `${origin}/${kind}/${i}`, timeout };
  }
  return (concurrency: number) =>
    parseConfig({ mode, probeConcurrency: concurrency, services }, 'bench (sweep scale)');
}

interface Row {
  what: string;
  concurrency: number | string;
  ms: number;
  failed: number;
  heap: number;
  note?: string;
}

/** Runs the section; returns Markdown. */
export async function runScale(options: ScaleOptions): Promise<SectionResult> {
  const farm = await startFarm(options.servers ?? 10);
  try {
    const configFor = servicesFor(farm, options);
    const all = Object.values(configFor(1).services);
    const hanging = all.filter((s) => s.url.includes('/hang/')).length;
    const rows: Row[] = [];
    let peakRss = 0;
    let peakHeap = 0;
    const probe = (s: ServiceConfig) => probeService(s);
    // Warm-up: the first sweep pays for module loading and connection setup.
    await probeAll(all, probe, 100);
    for (const concurrency of options.concurrencies) {
      const times: number[] = [];
      let failed = 0;
      let heap = 0;
      for (let run = 0; run < options.runs; run++) {
        const m = await measured(() => probeAll(all, probe, concurrency));
        times.push(m.ms);
        failed = m.value.filter((r) => !r.ok).length;
        heap = Math.max(heap, m.heap);
        peakRss = Math.max(peakRss, m.rss);
        peakHeap = Math.max(peakHeap, m.heap);
      }
      rows.push({ what: 'probeAll + probeService', concurrency, ms: median(times), failed, heap });
    }
    // The engine's own sweep: a first failure at extreme (1 failure) is confirmed by an immediate re-probe.
    const best = options.pick;
    for (const mode of ['normal', 'extreme'] as const) {
      const config = servicesFor(farm, options, mode)(best);
      const deps = {
        config,
        provider: () => {
          throw new Error('bench: no recovery in the scale run');
        },
        providerContext: { env: {}, fetch: globalThis.fetch, clock: systemClock, logger: silentLogger },
        probe: (s: ServiceConfig, o?: { confirm?: boolean }) => probeService(s, o),
        clock: systemClock,
        logger: silentLogger,
        dryRun: true,
      };
      const m = await measured(() => sweep(deps, emptyState()));
      const failed = Object.values(m.value.services).filter((s) => s.status !== 'up').length;
      rows.push({
        what: `engine sweep(), ${mode}`,
        concurrency: best,
        ms: m.ms,
        failed,
        heap: m.heap,
        note: mode === 'extreme' ? 'a hanging endpoint is re-probed at once (confirm) before "down"' : '',
      });
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heap);
    }
    // Sequential: the same endpoints one at a time (or a sample, extrapolated).
    const sample = Math.min(options.sequentialSample ?? all.length, all.length);
    const subset = all.slice(0, sample);
    const seq = await measured(() => probeAll(subset, probe, 1));
    const seqMs = (seq.ms * all.length) / sample;
    rows.push({
      what: 'sequential (probeAll, concurrency 1)',
      concurrency: 1,
      ms: seqMs,
      heap: seq.heap,
      failed: Math.round((seq.value.filter((r) => !r.ok).length * all.length) / sample),
      note: sample < all.length ? `measured ${sample} endpoints (${humanMs(seq.ms)}), extrapolated` : '',
    });
    return scaleMarkdown(options, rows, { hanging, total: all.length, peakRss, peakHeap, best, seqMs });
  } finally {
    await farm.close();
  }
}

function scaleMarkdown(
  options: ScaleOptions,
  rows: Row[],
  f: { hanging: number; total: number; peakRss: number; peakHeap: number; best: number; seqMs: number },
): SectionResult {
  const bestRow = rows.find((r) => r.what.startsWith('probeAll') && r.concurrency === f.best)!;
  const ratio = bestRow.ms / options.timeoutMs;
  const speedup = f.seqMs / bestRow.ms;
  const needed = rows
    .filter((r) => r.what.startsWith('probeAll') && r.ms <= 1.3 * options.timeoutMs)
    .map((r) => Number(r.concurrency))
    .sort((a, b) => a - b)[0];
  const table = markdownTable(
    ['sweep', 'concurrency', 'wall time (median)', '× timeout', 'failed', 'peak heap used'],
    rows.map((r) => [
      r.what + (r.note ? ` (${r.note})` : ''),
      r.concurrency,
      humanMs(r.ms),
      (r.ms / options.timeoutMs).toFixed(2),
      r.failed,
      humanBytes(r.heap),
    ]),
  );
  const markdown = [
    `### 2. Sweep scale (${f.total} endpoints on 127.0.0.1, ${f.hanging} hanging, probe timeout ${humanMs(options.timeoutMs)})`,
    '',
    table,
    '',
    `${verdict(ratio <= 1.3)} wall time at probeConcurrency ${f.best} (probeConcurrency = the number of endpoints: every probe starts at once): ${ratio.toFixed(2)} × the probe timeout (target ≤ 1.3×).` +
      (needed !== undefined
        ? ` The smallest concurrency measured that meets it: ${needed}; it must be at least the number of hanging endpoints (${f.hanging}), since each hanging probe holds a slot for the whole timeout` +
          (needed > DEFAULT_PROBE_CONCURRENCY
            ? `, so the default probeConcurrency of ${DEFAULT_PROBE_CONCURRENCY} makes them wait in line.`
            : ` (the default probeConcurrency is ${DEFAULT_PROBE_CONCURRENCY}).`)
        : ''),
    `${verdict(speedup >= 20)} ${speedup.toFixed(0)}× faster than the sequential sweep (target ≥ 20×).`,
    `Peak memory during the sweeps: RSS ${humanBytes(f.peakRss)}, heap used ${humanBytes(f.peakHeap)}.`,
    `Medians of ${options.runs} runs per concurrency after one warm-up sweep; servers and probes share the same 2 cores.`,
  ].join('\n');
  const targets: Target[] = [
    {
      figure: `one sweep of ${f.total} endpoints (${f.hanging} hanging) at probeConcurrency ${f.best}`,
      value: `${ratio.toFixed(2)} × the probe timeout`,
      target: '≤ 1.3 ×',
      ok: ratio <= 1.3,
    },
    {
      figure: `the same sweep against probing one at a time`,
      value: `${speedup.toFixed(0)} × faster`,
      target: '≥ 20 ×',
      ok: speedup >= 20,
    },
  ];
  return { markdown, targets };
}
