import type { Mode } from '../config/presets.js';
import type { Config } from '../config/schema.js';
import type { UptimeState } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import { gitHubMarkdown } from '../util/escape.js';
import { renderStatusMarkdown } from './markdown.js';

/** GitHub disables a public repository's scheduled workflows after this many days without activity. */
export const INACTIVITY_DISABLE_DAYS = 60;
/** The summary warns from this many days on, so there is time to act. */
export const INACTIVITY_WARN_DAYS = 50;
const DAY = 24 * 60 * 60 * 1000;

/** A token problem of one service: not set at all, or set and refused by the platform. */
export interface TokenProblem {
  service: string;
  provider: string;
  kind: 'missing' | 'refused';
  /** The variable(s) that hold or would hold the token, e.g. `RAILWAY_TOKEN`. */
  variable: string;
}

/**
 * A line of "What was done" already in Markdown: the names and reasons it quotes escaped where it was built
 * (src/report/run-report.ts), so its own references (`opened incident #3`) still link; `text` is the same
 * line for logs. A plain string is escaped whole.
 */
export interface MarkdownLine {
  text: string;
  markdown: string;
}

/** Everything the job summary says; faces pass what they know, the renderer adds nothing of its own. */
export interface RunSummaryInput {
  config: Config;
  /** The state after the run (in memory when GitHub could not be reached). */
  state: UptimeState;
  now: number;
  mode?: Mode;
  /** What was written during the run, in order, from the executor (`Created the state branch uptime-state`). */
  writes?: string[];
  /** What was done (recoveries, status changes, incidents), one line each; used when `writes` is absent too. */
  done?: Array<string | MarkdownLine>;
  /** Warnings and errors; each is shown once, however often it was reported. */
  warnings?: string[];
  tokenProblems?: TokenProblem[];
  dryRun?: boolean;
  /** Set when the state could not be read or written: why (`connect ECONNREFUSED api.github.com`). */
  stateUnavailable?: string;
  /** The state was unreadable at the start, and the run's checks and repairs were saved once GitHub answered. */
  stateSavedLater?: boolean;
  /** The repository's last activity (e.g. `pushed_at`), epoch ms: warns before the 60-day disable. */
  lastActivityAt?: number;
  /** The repository is public (the 60-day disable applies to public repositories). @default true */
  publicRepository?: boolean;
}

/** The text of a line, whichever its form. */
const textOf = (line: string | MarkdownLine) => (typeof line === 'string' ? line : line.text);

/** Lines equal after collapsing whitespace appear once, first occurrence kept. */
export function uniqueLines<T extends string | MarkdownLine>(lines: readonly T[]): T[] {
  const seen = new Set<string>();
  return lines.filter((line) => {
    const key = textOf(line).replace(/\s+/g, ' ').trim();
    if (!key || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** "Token missing" and "token refused" say different things and name different fixes. */
export function tokenMessage(problem: TokenProblem, serviceName = problem.service): string {
  const page = `docs/providers/${problem.provider}.md`;
  return problem.kind === 'missing'
    ? `${serviceName}: no ${problem.variable} is set, so ${problem.provider} was not asked to recover it. Add the repository secret ${problem.variable} and pass it to the step under \`env:\` (${page}).`
    : `${serviceName}: ${problem.provider} refused ${problem.variable} (wrong, expired, or without access to this service). Replace the secret, or run \`uptime-action doctor\` with it to see which check fails (${page}).`;
}

/**
 * The 60-day warning: GitHub disables scheduled workflows of a public repository after 60 days without
 * activity. Undefined before day 50 or when the date is unknown.
 */
export function inactivityWarning(lastActivityAt: number | undefined, now: number): string | undefined {
  if (lastActivityAt === undefined) return undefined;
  const days = Math.floor((now - lastActivityAt) / DAY);
  if (days < INACTIVITY_WARN_DAYS) return undefined;
  const off = new Date(lastActivityAt + INACTIVITY_DISABLE_DAYS * DAY).toISOString().slice(0, 10);
  return `No activity in this repository for ${days} days: GitHub disables scheduled workflows of a public repository after ${INACTIVITY_DISABLE_DAYS} days (around ${off}), and then nothing checks your services. Push a commit to the default branch, or re-enable the workflow in the Actions tab if it stopped (docs/troubleshooting.md).`;
}

/** The executor's note that it reserved a recovery in the state before calling the platform: bookkeeping. */
const CLAIM = /^claimed an? \S+ of .+ in the shared state$/;

/**
 * Whether a write says what a line of `done` already says: `opened incident #3 for API` beside
 * `API: opened incident #3`, `resolved incident #3 (API)` beside `API: resolved incident #3 after 2m`.
 */
function toldByDone(write: string, done: ReadonlyArray<string | MarkdownLine>): boolean {
  const m = /^(opened|resolved|reopened|closed) incident #(\d+)\b/.exec(write);
  return m !== null && done.some((line) => textOf(line).includes(`: ${m[1]} incident #${m[2]}`));
}

/**
 * The "What was done" list: the executor's writes when given, then the other lines, each said once (a write
 * that a status line already tells, and the claim bookkeeping, are left out); "nothing" only when true.
 */
export function whatWasDone(
  input: Pick<RunSummaryInput, 'writes' | 'done' | 'dryRun'>,
): Array<string | MarkdownLine> {
  const done = input.done ?? [];
  const writes = (input.writes ?? []).filter((w) => !CLAIM.test(w) && !toldByDone(w, done));
  const lines = uniqueLines([...writes, ...done]);
  if (lines.length) return lines;
  if (input.dryRun) return ['Nothing: dry run.'];
  return input.writes === undefined
    ? ['No recovery and no status change.']
    : ['Nothing: every check passed, nothing written.'];
}

/** The executor's incident writes (src/engine/incident-writer.ts): `opened incident #3 for <name>`, `(<name>)`. */
const INCIDENT_WRITE = /^(opened|commented on|resolved) incident #(\d+) (?:for (.+)|\((.+)\))$/s;

/**
 * A write in Markdown: escaped whole, except the executor's incident writes, whose name alone is escaped so
 * the run's own reference (`#3`) links.
 */
function writeMarkdown(write: string): string {
  const m = INCIDENT_WRITE.exec(write);
  if (!m) return gitHubMarkdown(write);
  const [, did, number, forName, inParentheses] = m;
  return forName !== undefined
    ? `${did} incident #${number} for ${gitHubMarkdown(forName)}`
    : `${did} incident #${number} (${gitHubMarkdown(inParentheses)})`;
}

/**
 * The job summary: a warning first when something blocks the run's usual work (GitHub unreachable, the
 * 60-day disable coming), the status table, what was done, token problems and warnings, each once.
 */
export function renderRunSummary(input: RunSummaryInput): string {
  const parts: string[] = [];
  const callouts: string[] = [];
  if (input.stateUnavailable) {
    callouts.push(
      input.stateSavedLater
        ? `GitHub could not be reached at first (${input.stateUnavailable}): this run checked and recovered with the state kept in memory, wrote no incident issue, and saved its checks and repairs once GitHub answered again.`
        : `GitHub could not be reached (${input.stateUnavailable}): this run checked and recovered with the state kept in memory only; nothing was saved and no incident issue was written. The next run reads the saved state again.`,
    );
  }
  if (input.publicRepository !== false) {
    const inactivity = inactivityWarning(input.lastActivityAt, input.now);
    if (inactivity) callouts.push(inactivity);
  }
  for (const text of callouts) parts.push(`> [!WARNING]\n> ${text}`, '');
  parts.push(renderStatusMarkdown(input.config, input.state, { now: input.now, mode: input.mode }));
  // Each line may quote a name or a failure reason: escaped for Markdown (src/util/escape.ts), a plain line
  // whole, a MarkdownLine where it was built (its own incident references still link).
  const markdownOf = (line: string | MarkdownLine) =>
    typeof line === 'string' ? writeMarkdown(line) : line.markdown;
  parts.push('', '#### What was done', '', ...whatWasDone(input).map((l) => `- ${markdownOf(l)}`));
  const names = (id: string) => input.config.services[id]?.name ?? id;
  const tokens = uniqueLines((input.tokenProblems ?? []).map((p) => tokenMessage(p, names(p.service))));
  if (tokens.length) parts.push('', '#### Tokens', '', ...tokens.map((l) => `- ${l}`));
  const warnings = uniqueLines(input.warnings ?? []).filter((w) => !tokens.includes(w));
  if (warnings.length) parts.push('', '#### Warnings', '', ...warnings.map((l) => `- ⚠️ ${l}`));
  if (input.dryRun) parts.push('', '_Dry run: nothing was restarted, no issue or state was written._');
  return parts.join('\n');
}

/** `3d 4h` since an epoch-ms time (for "last activity ... ago"). */
export function ago(at: number, now: number): string {
  return formatDuration(Math.max(0, now - at));
}
