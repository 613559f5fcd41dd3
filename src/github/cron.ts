import type { Outage } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import { describeError, errorStatus, type GitHubClient, type RepoRef } from './client.js';

/**
 * Cron is not a heartbeat: GitHub delays scheduled runs and drops some under load. Each run reads its own
 * workflow's run history (`GET /repos/{owner}/{repo}/actions/runs`, `actions: read`, no write) to learn when
 * the previous sweeps ran; gaps longer than 3 × the schedule's interval are unmonitored time, never uptime.
 */

/** A gap counts once it is longer than this many schedule intervals. */
export const GAP_FACTOR = 3;

/**
 * The interval of a cron expression in ms, for the shapes schedules use (`*\/5 * * * *`, `0,30 * * * *`,
 * `15 * * * *`, `0 *\/2 * * *`); undefined for anything else.
 */
export function cronIntervalMs(cron: string): number | undefined {
  const fields = cron.trim().split(/\s+/);
  if (fields.length !== 5) return undefined;
  const [minute, hour] = fields;
  const everyMinutes = minute.match(/^(?:\*|0)\/(\d+)$/);
  if (everyMinutes && hour === '*') return Number(everyMinutes[1]) * 60_000;
  if (minute === '*' && hour === '*') return 60_000;
  if (/^\d+(,\d+)+$/.test(minute) && hour === '*') {
    const list = minute
      .split(',')
      .map(Number)
      .sort((a, b) => a - b);
    const gaps = list.map((m, i) => (i + 1 < list.length ? list[i + 1] - m : 60 - m + list[0]));
    return Math.max(...gaps) * 60_000;
  }
  if (/^\d+$/.test(minute)) {
    if (hour === '*') return 3_600_000;
    const everyHours = hour.match(/^(?:\*|0)\/(\d+)$/);
    if (everyHours) return Number(everyHours[1]) * 3_600_000;
  }
  return undefined;
}

/** One run of the workflow, as the runs API lists it. */
interface RunData {
  id: number;
  path?: string;
  status?: string | null;
  created_at: string;
  updated_at?: string;
  run_started_at?: string;
}

export interface CronGapOptions extends RepoRef {
  client: GitHubClient;
  /** This run (`GITHUB_RUN_ID`): not a previous sweep. */
  runId?: number;
  /** The workflow file, e.g. `.github/workflows/uptime.yml` (from `GITHUB_WORKFLOW_REF`); other workflows are ignored. */
  workflowPath?: string;
  /** The schedule's interval in ms (`cronIntervalMs` of the event's `schedule`). */
  intervalMs: number;
  now: number;
}

export interface CronGapReport {
  /** When the previous scheduled sweep of this workflow started (epoch ms); undefined when there was none. */
  previousAt?: number;
  /** Gaps longer than GAP_FACTOR × interval, oldest first, from the listed history up to now. */
  gaps: Outage[];
  /** One sentence for the job summary when the latest gap is too long. */
  warning?: string;
}

/** `owner/repo/.github/workflows/uptime.yml@refs/heads/main` → `.github/workflows/uptime.yml`. */
export function workflowPathFromRef(ref: string | undefined): string | undefined {
  const match = ref?.match(/^[^/]+\/[^/]+\/(.+?)@/);
  return match?.[1];
}

/**
 * Reads the workflow's recent scheduled runs (one GET) and finds the gaps. Never throws: without
 * `actions: read` it returns no gaps and says why.
 */
export async function detectCronGaps(options: CronGapOptions): Promise<CronGapReport> {
  let runs: RunData[];
  try {
    const { data } = await options.client.request('GET /repos/{owner}/{repo}/actions/runs', {
      owner: options.owner,
      repo: options.repo,
      event: 'schedule',
      exclude_pull_requests: true,
      per_page: 50,
    });
    runs = (data as { workflow_runs: RunData[] }).workflow_runs;
  } catch (error) {
    const hint =
      errorStatus(error) === 403 || errorStatus(error) === 404
        ? ' Give the workflow `permissions: { actions: read }`.'
        : '';
    return {
      gaps: [],
      warning: `Could not read the workflow's run history to check for delayed or dropped cron runs (${describeError(error)}).${hint}`,
    };
  }
  const mine = runs
    .filter(
      (r) =>
        r.id !== options.runId &&
        (!options.workflowPath || r.path === undefined || r.path === options.workflowPath),
    )
    .map((r) => ({
      start: Date.parse(r.run_started_at ?? r.created_at),
      end: Date.parse(r.updated_at ?? r.run_started_at ?? r.created_at),
    }))
    .filter((r) => Number.isFinite(r.start) && r.start < options.now)
    .sort((a, b) => a.start - b.start);
  const limit = GAP_FACTOR * options.intervalMs;
  const gaps: Outage[] = [];
  const reason = (ms: number) => `no scheduled sweep for ${formatDuration(ms)} (cron delayed or dropped)`;
  for (let i = 1; i < mine.length; i++) {
    if (mine[i].start - mine[i - 1].start > limit) {
      gaps.push({
        start: mine[i - 1].end,
        end: mine[i].start,
        reason: reason(mine[i].start - mine[i - 1].start),
      });
    }
  }
  const previous = mine.at(-1);
  let warning: string | undefined;
  if (previous && options.now - previous.start > limit) {
    const ms = options.now - previous.start;
    gaps.push({ start: previous.end, end: options.now, reason: reason(ms) });
    warning = `The previous scheduled sweep started ${formatDuration(ms)} ago, more than ${GAP_FACTOR} × the schedule's ${formatDuration(options.intervalMs)}: GitHub delayed or dropped runs. That time is recorded as unmonitored, not as uptime.`;
  }
  return { previousAt: previous?.start, gaps, warning };
}

/** Adds gaps the state does not hold yet (same start), keeping the list in time order. */
export function recordGaps(unmonitored: Outage[], gaps: Outage[]): Outage[] {
  const known = new Set(unmonitored.map((o) => o.start));
  const added = gaps.filter((g) => !known.has(g.start));
  return added.length ? [...unmonitored, ...added].sort((a, b) => a.start - b.start) : unmonitored;
}
