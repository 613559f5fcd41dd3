/**
 * Issue 12's cost figures: a healthy repository's state writes per day with response-time history on, and
 * the state file's size after 90 simulated days. The real scheduled run (`runScheduled`, what the Action
 * calls) every 5 minutes on a virtual clock, three services answering from a simulated world (a slow
 * response now and then, one short outage a week), the compare-and-swap memory store counting writes.
 */
import { runScheduled } from '../src/engine/scheduled.js';
import { MemoryStateStore } from '../src/state/memory.js';
import { makeWorld } from '../test/helpers/world.js';

const DAY = 86_400_000;
const EVERY = 5 * 60_000;

export interface HistoryBenchOptions {
  days: number;
}

export async function runHistoryBench(options: HistoryBenchOptions) {
  const recovery = { provider: 'webhook' as const, url: 'http://127.0.0.1:9/hook' };
  const w = makeWorld(
    {
      mode: 'extreme',
      services: {
        api: { url: 'http://127.0.0.1:9/api', recovery },
        web: { url: 'http://127.0.0.1:9/web', recovery },
        voice: { url: 'http://127.0.0.1:9/voice', recovery },
      },
    },
    {},
  );
  const store = new MemoryStateStore(undefined, { now: () => w.clock.now() });
  const writesPerDay: number[] = [];
  const started = performance.now();
  for (let day = 0; day < options.days; day++) {
    const before = store.writes;
    for (let run = 0; run < DAY / EVERY; run++) {
      // One 10-minute outage of `voice` a week (fixed by a restart), and varying response times.
      const minute = (day * DAY + run * EVERY) / 60_000;
      w.world.voice.up = !(day % 7 === 3 && run === 100);
      for (const sim of Object.values(w.world)) sim.responseMs = 40 + ((minute * 7) % 60);
      await runScheduled({ deps: { ...w.deps, store }, store, watchMs: 0 });
      w.clock.advance(EVERY);
    }
    writesPerDay.push(store.writes - before);
  }
  const state = await store.read();
  const bytes = Buffer.byteLength(JSON.stringify(state));
  const healthyDays = writesPerDay.filter((_, day) => day > 0 && day % 7 !== 3);
  return {
    days: options.days,
    runs: (options.days * DAY) / EVERY,
    firstDayWrites: writesPerDay[0],
    healthyDayWritesMax: Math.max(...healthyDays),
    outageDayWritesMax: writesPerDay.length > 3 ? writesPerDay[3] : undefined,
    stateBytes: bytes,
    wallMs: performance.now() - started,
  };
}

export function historyMarkdown(r: Awaited<ReturnType<typeof runHistoryBench>>): string {
  const ok = r.healthyDayWritesMax <= 24;
  return [
    `### 6. History and the state file (${r.days} simulated days, a scheduled run every 5 minutes, 3 services)`,
    '',
    '| measure | value | target |',
    '| --- | --- | --- |',
    `| state writes on a healthy day (steady state, max over the days) | ${r.healthyDayWritesMax} | ≤ 24 ${ok ? '✅' : '❌'} |`,
    `| state writes on the first day (first checks, then hourly history) | ${r.firstDayWrites} | — |`,
    `| state writes on a day with one outage (down, recovery, up) | ${r.outageDayWritesMax ?? '— (fewer than 4 days)'} | — |`,
    `| state file after ${r.days} days (history: hourly for 7 days, daily for 90) | ${(r.stateBytes / 1024).toFixed(1)} KB | bounded |`,
    '',
    `${r.runs.toLocaleString('en-US')} real \`runScheduled\` runs on a virtual clock (wall time ${(r.wallMs / 1000).toFixed(1)} s); history samples are booked by the first run of each hour, so a healthy day costs at most 24 writes.`,
  ].join('\n');
}
