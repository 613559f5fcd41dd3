/**
 * Issue 12's cost figures: a healthy repository's state writes per day with response-time history on, and
 * the state file's size after 90 simulated days. The real scheduled run (`runSweep`, what the Action
 * calls) every 5 minutes on a virtual clock, three services answering from a simulated world (a slow
 * response now and then, one short outage a week), the compare-and-swap memory store counting writes.
 */
import { runSweep } from '../src/run/sweep.js';
import { gitBlobSha, type SiteSink } from '../src/site/sink.js';
import { MemoryStateStore } from '../src/state/memory.js';
import { makeWorld } from '../test/helpers/world.js';
import { verdict, type SectionResult, type Target } from './lib/stats.js';

const DAY = 86_400_000;
const EVERY = 5 * 60_000;

export interface HistoryBenchOptions {
  days: number;
  /** `statusPage.branch: true`: the Action also keeps `site/` on the state branch (opt-in). @default false */
  branchSite?: boolean;
}

/** GitHub API writes of one site commit through GitHubSiteSink (src/site/sink.ts): POST trees, POST commits, PATCH refs. */
export const SITE_COMMIT_REQUESTS = 3;

/** The state branch's `site/` folder in memory, with GitHubSiteSink's contract (blob shas; one commit per write). */
class MemorySiteSink implements SiteSink {
  files: Record<string, string> = {};
  commits = 0;
  async current() {
    const files = Object.fromEntries(Object.entries(this.files).map(([p, c]) => [p, gitBlobSha(c)]));
    const doc = this.files['status.json'];
    const at = doc ? Date.parse((JSON.parse(doc) as { generatedAt?: string }).generatedAt ?? '') : NaN;
    return { files, generatedHour: Number.isFinite(at) ? at : undefined };
  }
  async write(files: Record<string, string>, remove: string[]) {
    this.commits++;
    for (const path of remove) delete this.files[path];
    Object.assign(this.files, files);
  }
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
      ...(options.branchSite ? { statusPage: { branch: true } } : {}),
    },
    {},
  );
  const store = new MemoryStateStore(undefined, { now: () => w.clock.now() });
  const site = new MemorySiteSink();
  const writesPerDay: number[] = [];
  const siteCommitsPerDay: number[] = [];
  const started = performance.now();
  for (let day = 0; day < options.days; day++) {
    const before = store.writes;
    const siteBefore = site.commits;
    for (let run = 0; run < DAY / EVERY; run++) {
      // One 10-minute outage of `voice` a week (fixed by a restart), and varying response times.
      const minute = (day * DAY + run * EVERY) / 60_000;
      w.world.voice.up = !(day % 7 === 3 && run === 100);
      for (const sim of Object.values(w.world)) sim.responseMs = 40 + ((minute * 7) % 60);
      // As the Action wires it (src/run/github-services.ts): `site/` on the state branch only with
      // `statusPage.branch: true`; by default the Pages workflow renders the page from state.json.
      await runSweep({
        deps: { ...w.deps, store },
        store,
        watchMs: 0,
        site: w.deps.config.statusPage?.branch ? site : undefined,
      });
      w.clock.advance(EVERY);
    }
    writesPerDay.push(store.writes - before);
    siteCommitsPerDay.push(site.commits - siteBefore);
  }
  const state = await store.read();
  const bytes = Buffer.byteLength(JSON.stringify(state));
  const healthy = (_: number, day: number) => day > 0 && day % 7 !== 3;
  const healthyDays = writesPerDay.filter(healthy);
  const healthySiteDays = siteCommitsPerDay.filter(healthy);
  return {
    days: options.days,
    runs: (options.days * DAY) / EVERY,
    firstDayWrites: writesPerDay[0],
    healthyDayWritesMax: Math.max(...healthyDays),
    healthyDaySiteCommitsMax: Math.max(...healthySiteDays),
    siteFiles: Object.keys(site.files).length,
    outageDayWritesMax: writesPerDay.length > 3 ? writesPerDay[3] : undefined,
    stateBytes: bytes,
    wallMs: performance.now() - started,
  };
}

/**
 * The section: 90 days as a repository runs by default (the Pages workflow renders the page from the state, so
 * the Action writes no `site/`), and `days` days of the opt-in `statusPage.branch: true` for its site commits.
 */
export async function runHistorySection(options: {
  days: number;
  branchDays: number;
}): Promise<SectionResult> {
  const main = await runHistoryBench({ days: options.days });
  const branch = await runHistoryBench({ days: options.branchDays, branchSite: true });
  return historyMarkdown(main, branch);
}

export function historyMarkdown(
  r: Awaited<ReturnType<typeof runHistoryBench>>,
  branch?: Awaited<ReturnType<typeof runHistoryBench>>,
): SectionResult {
  const ok = r.healthyDayWritesMax <= 24;
  const siteRequests = r.healthyDaySiteCommitsMax * SITE_COMMIT_REQUESTS;
  const extra = r.healthyDayWritesMax + siteRequests;
  const branchRequests = branch ? branch.healthyDaySiteCommitsMax * SITE_COMMIT_REQUESTS : undefined;
  const targets: Target[] = [
    {
      figure: 'state writes a healthy day for the response-time history',
      value: String(r.healthyDayWritesMax),
      target: '≤ 24',
      ok,
    },
    {
      figure:
        'GitHub writes a healthy day for the history and the status page together (state + site commits)',
      value: `${extra} (${r.healthyDayWritesMax} state + ${r.healthyDaySiteCommitsMax} site commits × ${SITE_COMMIT_REQUESTS})`,
      target: '≤ 24',
      ok: extra <= 24,
    },
    {
      figure: `state file after ${r.days} simulated days (3 services)`,
      value: `${(r.stateBytes / 1024).toFixed(1)} KB`,
      target: 'reported (bounded)',
    },
  ];
  const markdown = [
    `### 6. History, status page and the state file (${r.days} simulated days, a scheduled run every 5 minutes, 3 services)`,
    '',
    '| measure | value | target |',
    '| --- | --- | --- |',
    `| state writes on a healthy day (steady state, max over the days) | ${r.healthyDayWritesMax} | ≤ 24 ${verdict(ok)} |`,
    `| status page commits on a healthy day by the Action (default: the Pages workflow renders the page from \`state.json\`) | ${r.healthyDaySiteCommitsMax} | — |`,
    ...(branch
      ? [
          `| … with the opt-in \`statusPage.branch: true\` (\`site/\` on the state branch, ${branch.siteFiles} files; ${branch.days} days) | ${branch.healthyDaySiteCommitsMax} commits = ${branchRequests} GitHub writes (${SITE_COMMIT_REQUESTS} per commit) | information |`,
        ]
      : []),
    `| GitHub writes on a healthy day for history and the status page together | ${extra} | ≤ 24 ${verdict(extra <= 24)} |`,
    `| state writes on the first day (first checks, then hourly history) | ${r.firstDayWrites} | — |`,
    `| state writes on a day with one outage (down, recovery, up) | ${r.outageDayWritesMax ?? '— (fewer than 4 days)'} | — |`,
    `| state file after ${r.days} days (history: hourly for 7 days, daily for 90) | ${(r.stateBytes / 1024).toFixed(1)} KB | bounded |`,
    '',
    `${r.runs.toLocaleString('en-US')} real \`runSweep\` runs on a virtual clock (wall time ${(r.wallMs / 1000).toFixed(1)} s), ` +
      'wired as the Action wires them: by default no status site is written (examples/workflows/pages.yml renders it ' +
      'hourly from `state.json`, with no write); with `statusPage.branch: true` it is kept in a memory sink that ' +
      'follows GitHubSiteSink (compared by blob sha, written at most hourly, only when changed; a commit there is ' +
      'POST trees + POST commits + PATCH refs), and as the page shows hourly charts it changes every hour. History ' +
      'samples are booked by the first run of each hour, so a healthy day costs at most 24 state writes.',
  ].join('\n');
  return { markdown, targets };
}
