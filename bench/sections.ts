import { runHistorySection } from './history.js';
/** The benchmark's sections by name, each a function from "quick or full" to its Markdown. */
import { replaySection } from './replay.js';
import { runScale } from './scale.js';
import { runScaleCurve } from './scale-curve.js';
import { runEnduranceSection } from './endurance.js';
import { runActionCost } from './action-cost.js';
import { runMonitorsSection } from './monitors.js';
import { runScaleOut } from './scaleout.js';
import type { SectionResult } from './lib/stats.js';
import { runRecoverySection } from './recovery.js';

/** Sizes of each section: the full run of `npm run bench`, and `--quick` for a smoke run. */
export const SECTIONS = {
  history: (quick: boolean) => runHistorySection({ days: quick ? 2 : 90, branchDays: 2 }),
  replay: (quick: boolean) => replaySection({ days: quick ? 1 : 30, seed: 42 }),
  scale: (quick: boolean) =>
    runScale(
      quick
        ? {
            endpoints: 100,
            timeoutMs: 300,
            concurrencies: [10, 100],
            runs: 1,
            sequentialSample: 40,
            pick: 100,
          }
        : { endpoints: 1000, timeoutMs: 500, concurrencies: [10, 50, 100, 250, 1000], runs: 3, pick: 1000 },
    ),
  curve: (quick: boolean) =>
    runScaleCurve(
      quick
        ? { sizes: [20, 100], timeoutMs: 1000, servers: 4 }
        : { sizes: [100, 1000, 10_000], timeoutMs: 10_000 },
    ),
  endurance: (quick: boolean) =>
    runEnduranceSection(quick ? { checks: 5_000 } : { checks: 100_000, checkpoints: 8 }),
  action: (quick: boolean) => runActionCost({ runs: quick ? 2 : 10 }),
  recovery: (quick: boolean) =>
    runRecoverySection(
      quick
        ? { cascadeHours: 4, cascadeOutages: 3, deployDays: 2, seed: 42 }
        : { cascadeHours: 24, cascadeOutages: 12, deployDays: 10, seed: 42 },
    ),
  monitors: (quick: boolean) =>
    runMonitorsSection(
      quick
        ? { trials: 3, forged: 10, heartbeatTrials: 20, monitors: 1_000 }
        : { trials: 20, forged: 100, heartbeatTrials: 200, monitors: 10_000 },
    ),
  scaleout: (quick: boolean) =>
    runScaleOut(
      quick
        ? { sizes: [200, 400], intervals: 2, failoverTrials: 1, replayDays: 2 }
        : { sizes: [100, 200, 300, 500, 1000, 2000, 4000], intervals: 3, failoverTrials: 3, replayDays: 30 },
    ),
} satisfies Record<string, (quick: boolean) => Promise<SectionResult>>;

export type SectionName = keyof typeof SECTIONS;

/** Runs one section in this process. */
export function runSection(name: SectionName, quick: boolean): Promise<SectionResult> {
  const section = SECTIONS[name];
  if (!section) throw new Error(`bench: unknown section "${String(name)}".`);
  return section(quick);
}
