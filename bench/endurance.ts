/**
 * Section 4 of the issue (endurance): 100,000 watch-loop checks in virtual time through the real `watch`, with
 * the in-memory store (extreme, 5 s: about 6 days) and with the file store (2-minute interval: about 139 days, so
 * the 90-day retention has to keep the file bounded). Heap growth after forced GC, state file size over time.
 * Issue 14 adds a third run with the features on: history, notifications and the status site
 * (bench/endurance-features.ts).
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import { FileStateStore } from '../src/state/file.js';
import { runEngine } from './replay/ours.js';
import { makeScenario, SimulatedService } from './replay/world.js';
import { featuresRun, type FeaturesRun } from './endurance-features.js';
import { humanBytes, humanMs, markdownTable, verdict, type SectionResult, type Target } from './lib/stats.js';

export interface EnduranceOptions {
  checks: number;
  /** Checkpoints reported (evenly spaced). @default 4 */
  checkpoints?: number;
  /** The run with history, notifications and the site. @default true */
  features?: boolean;
}

const HEAP_TARGET = 5e6;

/** A full garbage collection: `global.gc` under `--expose-gc`, else the flag is turned on at run time. */
export function forceGc(): void {
  let gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
  gc();
}

interface Run {
  store: string;
  interval: string;
  virtualDays: number;
  wallMs: number;
  heapStart: number;
  heapEnd: number;
  sizes: Array<[number, number]>;
  writes: number;
}

async function enduranceRun(kind: 'memory' | 'file', options: EnduranceOptions): Promise<Run> {
  const intervalMs = kind === 'memory' ? 5_000 : 120_000;
  const days = Math.ceil((options.checks * intervalMs * 1.02) / 86_400_000) + 1;
  const world = new SimulatedService(makeScenario({ seed: 11, days }), { seed: 12 });
  const dir = await mkdtemp(join(tmpdir(), 'uptime-bench-'));
  const path = join(dir, 'state.json');
  const every = Math.max(1, Math.floor(options.checks / (options.checkpoints ?? 4)));
  const warm = Math.min(1000, every);
  const sizes: Array<[number, number]> = [];
  let heapStart = 0;
  let lastAt = 0;
  const started = performance.now();
  try {
    const tally = await runEngine('extreme', world, {
      tuning: kind === 'file' ? { healthCheckInterval: '2m' } : undefined,
      store: kind === 'file' ? (now) => new FileStateStore(path, { now }) : undefined,
      persist: 'changes',
      onSweep: async (result, sweeps) => {
        lastAt = result.state.lastSweepAt ?? lastAt;
        if (sweeps === warm) {
          forceGc();
          heapStart = process.memoryUsage().heapUsed;
        }
        if (kind === 'file' && sweeps % every === 0) sizes.push([sweeps, (await stat(path)).size]);
        return sweeps >= options.checks;
      },
    });
    forceGc();
    const heapEnd = process.memoryUsage().heapUsed;
    return {
      store:
        kind === 'memory' ? 'MemoryStateStore' : 'FileStateStore (writes on change, re-read every sweep)',
      interval: humanMs(intervalMs),
      virtualDays: (lastAt - world.scenario.start) / 86_400_000,
      wallMs: performance.now() - started,
      heapStart,
      heapEnd,
      sizes,
      writes: tally.stateWrites,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Runs the section; returns Markdown. */
export async function runEndurance(options: EnduranceOptions): Promise<string> {
  return (await runEnduranceSection(options)).markdown;
}

/** Runs the section; returns its Markdown and its targets (heap growth per run, the 90-day state file). */
export async function runEnduranceSection(options: EnduranceOptions): Promise<SectionResult> {
  const runs = [await enduranceRun('memory', options), await enduranceRun('file', options)];
  const features = options.features === false ? undefined : await featuresRun({ ...options, gc: forceGc });
  const growth = runs.map((r) => r.heapEnd - r.heapStart);
  const featuresGrowth = features ? features.heapEnd - features.heapStart : undefined;
  const rows = runs.map((r, i) => [
    r.store,
    r.interval,
    options.checks.toLocaleString('en-US'),
    `${r.virtualDays.toFixed(1)} days`,
    humanMs(r.wallMs),
    humanBytes(r.heapStart),
    humanBytes(r.heapEnd),
    humanBytes(growth[i]),
  ]);
  if (features)
    rows.push([
      'FileStateStore + history, notifications, site',
      humanMs(features.intervalMs),
      options.checks.toLocaleString('en-US'),
      `${features.virtualDays.toFixed(1)} days`,
      humanMs(features.wallMs),
      humanBytes(features.heapStart),
      humanBytes(features.heapEnd),
      humanBytes(featuresGrowth ?? 0),
    ]);
  const table = markdownTable(
    [
      'store',
      'interval',
      'checks',
      'virtual time',
      'wall time',
      'heap after warm-up',
      'heap at end',
      'growth',
    ],
    rows,
  );
  const file = runs[1];
  const sizes = file.sizes
    .map(
      ([n, size]) =>
        `${n.toLocaleString('en-US')} checks (${((n * 2) / 60 / 24).toFixed(0)} days): ${humanBytes(size)}`,
    )
    .join(' · ');
  // Past 90 days the retention drops as much as each day adds: the size must level off (within 15%).
  const last = file.sizes.at(-1)?.[1] ?? 0;
  const past90 = file.sizes.find(([n]) => (n * 2) / 60 / 24 >= 95)?.[1];
  const bounded = past90 !== undefined && last <= 1.15 * past90;
  const allGrowth = featuresGrowth === undefined ? growth : [...growth, featuresGrowth];
  const markdown = [
    `### 3. Endurance (${options.checks.toLocaleString('en-US')} watch-loop checks per store, virtual time)`,
    '',
    table,
    '',
    `${verdict(Math.max(...allGrowth) < HEAP_TARGET)} heap growth ${allGrowth.map(humanBytes).join(', ')} after forced GC (target < 5 MB).`,
    `${past90 === undefined ? 'ℹ️ (run shorter than 95 days: no verdict)' : verdict(bounded)} state file size: ${sizes || 'not sampled'}. Daily totals and outages older than 90 days and recovery attempts beyond the last 50 are dropped on every write, so the file stops growing after 90 days.`,
    ...(features ? [featuresLine(features)] : []),
    'One service with the replay’s outages, flakes and slow-downs; the real `watch` with the product’s ' +
      'recovery (simulated platform). Heap measured after 1,000 checks (warm-up) and at the end, each after a full GC.',
  ].join('\n');
  const targets: Target[] = runs.map((r, i) => ({
    figure: `endurance: heap growth, ${options.checks.toLocaleString('en-US')} checks, ${r.store.split(' ')[0]}`,
    value: humanBytes(growth[i]),
    target: '< 5 MB',
    ok: growth[i] < HEAP_TARGET,
  }));
  if (features && featuresGrowth !== undefined) {
    targets.push({
      figure: `endurance: heap growth, ${options.checks.toLocaleString('en-US')} checks with history, notifications, site`,
      value: humanBytes(featuresGrowth),
      target: '< 5 MB',
      ok: featuresGrowth < HEAP_TARGET,
    });
    const verdict90 = featuresBounded(features);
    targets.push({
      figure: 'endurance: state file after 90 simulated days (history, notifications, site)',
      value:
        features.sizeAt90Days === undefined
          ? `— (run of ${features.virtualDays.toFixed(0)} days)`
          : `${humanBytes(features.sizeAt90Days)}${verdict90.last === undefined ? '' : `; ${humanBytes(verdict90.last)} at ${features.virtualDays.toFixed(0)} days`}`,
      target: 'reported; stops growing after 90 days',
      ok: verdict90.ok,
    });
  }
  return { markdown, targets };
}

/** Whether the features run's state file levelled off past 90 days (within 15% from 95 days to the end). */
function featuresBounded(run: FeaturesRun): { ok?: boolean; last?: number } {
  const past95 = run.sizes.find(([, day]) => day >= 95)?.[2];
  const last = run.sizes.at(-1)?.[2];
  if (past95 === undefined || last === undefined) return {};
  return { ok: last <= 1.15 * past95, last };
}

function featuresLine(run: FeaturesRun): string {
  const sizes = run.sizes
    .map(
      ([n, day, size]) => `${n.toLocaleString('en-US')} checks (${day.toFixed(0)} days): ${humanBytes(size)}`,
    )
    .join(' · ');
  const messages = Object.entries(run.messages)
    .map(([transition, n]) => `${n.toLocaleString('en-US')} ${transition}`)
    .join(', ');
  const bounded = featuresBounded(run);
  const mark = bounded.ok === undefined ? 'ℹ️' : verdict(bounded.ok);
  return [
    `${mark} with history, notifications and the site: state file ${run.sizeAt90Days === undefined ? 'not yet 90 days old' : `${humanBytes(run.sizeAt90Days)} after 90 simulated days`}; ${sizes || 'not sampled'}.`,
    `${run.publish.sent.toLocaleString('en-US')} messages sent to a \`webhook\` target answered in-process (${messages || 'none'}), ${run.publish.failed} failed;`,
    `${run.publish.historyWrites.toLocaleString('en-US')} state writes for the history alone; the site (file sink, temporary folder) written ${run.siteWrites.toLocaleString('en-US')} times (${run.siteFailures} failed), ${humanBytes(run.siteBytes)} on disk at the end.`,
  ].join(' ');
}
