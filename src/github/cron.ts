import { z } from 'zod';
import { requestData } from './request.js';
import { CronExpressionParser, type CronExpression } from 'cron-parser';
import { formatDuration } from '../util/duration.js';
import { describeError, errorStatus, type GitHubClient, type RepoRef } from './client.js';

/** A span of time nobody watched: the shape of the state's `Outage`, declared here so github/ imports no state. */
export interface Span {
  start: number;
  end?: number;
  reason?: string;
}

/**
 * Cron is not a heartbeat: GitHub delays scheduled runs and drops some under load. Each run reads its own
 * workflow's run history (`GET /repos/{owner}/{repo}/actions/runs`, `actions: read`, no write) to learn when
 * the previous sweeps ran; gaps longer than 3 × the schedule's interval are unmonitored time, never uptime.
 */

/** A gap counts once it is longer than this many schedule intervals. */
export const GAP_FACTOR = 3;

/** A cron schedule understood by cron-parser (UTC, like GitHub's `on.schedule`), or why it is not one. */
export type CronSchedule =
  { ok: true; expression: string; parsed: CronExpression } | { ok: false; expression: string; error: string };

/**
 * Parses a schedule the way GitHub reads `on.schedule[].cron`: five fields (minute hour day-of-month month
 * day-of-week) in UTC, or a macro such as `@hourly`. Never throws: an invalid one comes back with a message
 * that names it, says what is wrong and how to write it.
 */
export function parseCronSchedule(cron: string): CronSchedule {
  const expression = cron.trim();
  const fields = expression.split(/\s+/).length;
  const fix = 'Write five fields (minute hour day-of-month month day-of-week), e.g. "*/5 * * * *".';
  if (!expression.startsWith('@') && fields !== 5) {
    return {
      ok: false,
      expression,
      error: `Cron schedule "${expression}" has ${fields} field(s), GitHub needs 5. ${fix}`,
    };
  }
  try {
    return { ok: true, expression, parsed: CronExpressionParser.parse(expression, { tz: 'UTC' }) };
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, expression, error: `Cron schedule "${expression}" is not valid (${reason}). ${fix}` };
  }
}

/** The first `count` runs of `schedule` strictly after `after` (epoch ms). */
function runsAfter(schedule: CronExpression, after: number, count: number): number[] {
  schedule.reset(new Date(after));
  return schedule.take(count).map((date) => date.getTime());
}

/**
 * The expected interval between runs of a cron schedule in ms, at time `at` (default: now): from the
 * scheduled run at or before `at` to the next one. Constant for regular schedules (`*\/5 * * * *` → 5 min,
 * `@hourly` → 1 h); for `15,45 9-17 * * 1-5` it is 30 min on a weekday afternoon and longer overnight.
 * Undefined for an invalid schedule (see {@link parseCronSchedule} for the message).
 */
export function cronIntervalMs(cron: string, at: number = Date.now()): number | undefined {
  const schedule = parseCronSchedule(cron);
  if (!schedule.ok) return undefined;
  schedule.parsed.reset(new Date(at + 1));
  const previous = schedule.parsed.prev().getTime();
  const [next] = runsAfter(schedule.parsed, previous, 1);
  return next - previous;
}

/**
 * When a sweep after a run that started at `start` is overdue: once GAP_FACTOR scheduled runs after it
 * have passed. For a regular schedule that is GAP_FACTOR × the interval after the previous slot.
 */
function overdueAfter(schedule: CronExpression, start: number): number {
  return runsAfter(schedule, start, GAP_FACTOR).at(-1) ?? start;
}

/** One run of the workflow, as the runs API lists it (the fields that decide the gaps). */
const RunSchema = z.object({
  id: z.number(),
  path: z.string().optional(),
  status: z.string().nullish(),
  created_at: z.string(),
  updated_at: z.string().optional(),
  run_started_at: z.string().optional(),
});
type RunData = z.infer<typeof RunSchema>;
const RunsSchema = z.object({ workflow_runs: z.array(RunSchema) });

export interface CronGapOptions extends RepoRef {
  client: GitHubClient;
  /** This run (`GITHUB_RUN_ID`): not a previous sweep. */
  runId?: number;
  /** The workflow file, e.g. `.github/workflows/uptime.yml` (from `GITHUB_WORKFLOW_REF`); other workflows are ignored. */
  workflowPath?: string;
  /** The schedule's interval in ms (`cronIntervalMs` of the event's `schedule`). */
  intervalMs: number;
  /**
   * The event's cron schedule. When given (and valid), a gap is GAP_FACTOR scheduled runs missed in a row,
   * so irregular schedules (`15,45 9-17 * * 1-5`) do not count nights and weekends; else GAP_FACTOR × intervalMs.
   */
  schedule?: string;
  now: number;
}

export interface CronGapReport {
  /** When the previous scheduled sweep of this workflow started (epoch ms); undefined when there was none. */
  previousAt?: number;
  /** Gaps longer than GAP_FACTOR × interval, oldest first, from the listed history up to now. */
  gaps: Span[];
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
    const answer = await requestData(
      options.client,
      'GET /repos/{owner}/{repo}/actions/runs',
      {
        owner: options.owner,
        repo: options.repo,
        event: 'schedule',
        exclude_pull_requests: true,
        per_page: 50,
      },
      RunsSchema,
    );
    runs = answer.workflow_runs;
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
  const mine = earlierRuns(runs, options);
  const parsed = options.schedule ? parseCronSchedule(options.schedule) : undefined;
  const overdue = (start: number) =>
    parsed?.ok ? overdueAfter(parsed.parsed, start) : start + GAP_FACTOR * options.intervalMs;
  const gaps: Span[] = [];
  const reason = (ms: number) => `no scheduled sweep for ${formatDuration(ms)} (cron delayed or dropped)`;
  for (let i = 1; i < mine.length; i++) {
    if (mine[i].start > overdue(mine[i - 1].start)) {
      gaps.push({
        start: mine[i - 1].end,
        end: mine[i].start,
        reason: reason(mine[i].start - mine[i - 1].start),
      });
    }
  }
  const previous = mine.at(-1);
  let warning: string | undefined;
  if (previous && options.now > overdue(previous.start)) {
    const ms = options.now - previous.start;
    gaps.push({ start: previous.end, end: options.now, reason: reason(ms) });
    warning = `The previous scheduled sweep started ${formatDuration(ms)} ago, ${parsed?.ok ? `and ${GAP_FACTOR} runs of the schedule "${parsed.expression}" have been due since` : `more than ${GAP_FACTOR} × the schedule's ${formatDuration(options.intervalMs)}`}: GitHub delayed or dropped runs. That time is recorded as unmonitored, not as uptime.`;
  }
  return { previousAt: previous?.start, gaps, warning };
}

/** This workflow's other runs, started before now, as time spans in start order. */
function earlierRuns(runs: RunData[], options: CronGapOptions): Array<{ start: number; end: number }> {
  return runs
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
}

/** Adds gaps the state does not hold yet (same start), keeping the list in time order. */
export function recordGaps(unmonitored: Span[], gaps: Span[]): Span[] {
  const known = new Set(unmonitored.map((o) => o.start));
  const added = gaps.filter((g) => !known.has(g.start));
  return added.length ? [...unmonitored, ...added].sort((a, b) => a.start - b.start) : unmonitored;
}
