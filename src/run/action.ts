import { runRedactor } from './redactor.js';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { octokitCommentGitHub } from '../commands/octokit.js';
import { runCommentCommand, type RunCommentResult } from '../commands/run.js';
import { parseAnswer } from '../github/request.js';
import { z } from 'zod';
import type { Mode } from '../config/presets.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { GitHubClient, RepoRef } from '../github/client.js';
import { cronIntervalMs, detectCronGaps, workflowPathFromRef } from '../github/cron.js';
import { githubServices } from './github-services.js';
import type { Clock } from '../util/clock.js';
import { redactingLogger, type Logger } from '../util/logger.js';
import { redactDeep } from '../util/redact.js';
import type { RunResult } from '../report/run-report.js';
import { runSweep } from './sweep.js';

/**
 * The Action's one core call: every decision of a run (config source, cron-gap policy, services, what is
 * redacted) is made here; the face only reads its inputs, builds the client and fetch, and prints the result.
 */

/** The Action's inputs, parsed (action/inputs.ts `ActionOptions` fits). */
export interface ActionRunInputs {
  configPath: string;
  configExplicit: boolean;
  token: string;
  mode?: Mode;
  watchMs: number;
  dryRun: boolean;
  stateBranch: string;
}

/** The workflow's event as plain values. */
export interface ActionEvent {
  name: string;
  payload: Record<string, unknown>;
  repo: RepoRef;
  runId?: number;
  /** The checkout (GITHUB_WORKSPACE). */
  workspace: string;
  /** GITHUB_WORKFLOW_REF, for cron-gap detection. */
  workflowRef?: string;
}

export interface ActionRunOptions {
  inputs: ActionRunInputs;
  event: ActionEvent;
  client: GitHubClient;
  fetch: typeof globalThis.fetch;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  /** Where the run logs; every line is redacted here first (with the config's secrets), so the face need not. */
  logger: Logger;
  /** More values to hide (proxy credentials). */
  secrets?: string[];
}

/** An annotation the face makes (error, warning). */
export interface ActionAnnotation {
  level: 'error' | 'warning';
  message: string;
  title?: string;
}

/** What the face prints; every string is already redacted. */
export interface ActionRunResult {
  outputs: Record<string, string>;
  /** The job summary (Markdown); none for a slash command. */
  summary?: string;
  annotations: ActionAnnotation[];
  /** Log lines, in order. */
  lines: string[];
  /** Set when the step must fail. */
  failure?: string;
  /** The redactor of this run (env, config and extra secrets), for anything else the face prints. */
  redact: (text: string) => string;
}

/** Runs the Action for one event: slash commands on `issue_comment`, otherwise a scheduled sweep. */
export async function runActionEvent(options: ActionRunOptions): Promise<ActionRunResult> {
  return options.event.name === 'issue_comment' ? runCommand(options) : runScheduledSweep(options);
}

function redactorFor(options: ActionRunOptions, config?: Config) {
  return runRedactor(options.env, config, [options.inputs.token, ...(options.secrets ?? [])]);
}

function wire(options: ActionRunOptions, config: Config, redact: (t: string) => string, dryRun: boolean) {
  const logger = redactingLogger(options.logger, redact);
  const writes: string[] = [];
  const services = githubServices(config, {
    ...options.event.repo,
    client: options.client,
    env: options.env,
    clock: options.clock,
    logger,
    fetch: options.fetch,
    stateBranch: options.inputs.stateBranch,
    dryRun,
    redact,
    onStateWrite: (line) => writes.push(line),
  });
  return { ...services, logger, writes };
}

async function runScheduledSweep(options: ActionRunOptions): Promise<ActionRunResult> {
  const { inputs, event, env, clock } = options;
  const config = await loadConfig({
    path: resolve(event.workspace, inputs.configPath),
    explicit: inputs.configExplicit,
    env,
  });
  const redact = redactorFor(options, config);
  const { engine, store, writes, site } = wire(options, config, redact, inputs.dryRun);
  const payload = parseAnswer(`the ${event.name} event`, event.payload, ScheduledPayloadSchema);
  // Cron-gap policy: only scheduled runs, with the interval of the cron that started this one.
  const cron = payload.schedule;
  const intervalMs = cron ? cronIntervalMs(cron) : undefined;
  const result = await runSweep({
    // A scheduled run watches the time until the next one: uptime counts it (not only the seconds of a watch).
    deps: intervalMs ? { ...engine, runIntervalMs: intervalMs } : engine,
    store,
    site,
    mode: inputs.mode,
    watchMs: inputs.watchMs,
    storeWrites: () => writes,
    lastActivityAt: lastActivity(payload),
    detectGaps:
      event.name === 'schedule' && intervalMs
        ? () =>
            detectCronGaps({
              ...event.repo,
              // One try: a missing run history only skips gap detection, and must not delay the sweep.
              client: withoutClientRetries(options.client),
              runId: event.runId,
              workflowPath: workflowPathFromRef(event.workflowRef),
              intervalMs,
              now: clock.now(),
            })
        : undefined,
  });
  return printable(result, config, redact, inputs.dryRun);
}

/** The client with its own retries off for each request (`request.retries: 0`, honoured by plugin-retry). */
function withoutClientRetries(client: GitHubClient): GitHubClient {
  return {
    request: (route, parameters = {}) =>
      client.request(route, {
        ...parameters,
        request: { ...requestOptions(parameters.request), retries: 0 },
      }),
  };
}

/** The fields of a workflow event's payload the Action reads (outside data: parsed, never cast). */
const ScheduledPayloadSchema = z.object({
  schedule: z.string().optional(),
  repository: z.object({ pushed_at: z.union([z.string(), z.number()]).nullish() }).optional(),
});

/** An `issue_comment` event's payload, as the slash commands read it. */
const CommentPayloadSchema = z.object({
  action: z.string(),
  comment: z.object({
    id: z.number(),
    body: z.string().nullish(),
    user: z.object({ login: z.string(), type: z.string().optional() }).nullish(),
  }),
  issue: z.object({
    number: z.number(),
    labels: z.array(z.union([z.string(), z.object({ name: z.string().optional() })])).nullish(),
  }),
  sender: z.object({ login: z.string(), type: z.string().optional() }),
  repository: z.object({ default_branch: z.string().optional() }).optional(),
});

/** The `request` options a caller passed (an object), else none. */
function requestOptions(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? { ...value } : {};
}

/** `repository.pushed_at` of the payload (ISO text, or epoch seconds on push events); no extra request. */
function lastActivity(payload: z.infer<typeof ScheduledPayloadSchema>): number | undefined {
  const pushed = payload.repository?.pushed_at;
  if (typeof pushed === 'number') return pushed * 1000;
  if (typeof pushed === 'string') {
    const at = Date.parse(pushed);
    return Number.isNaN(at) ? undefined : at;
  }
  return undefined;
}

function printable(
  result: RunResult,
  config: Config,
  redact: (t: string) => string,
  dryRun: boolean,
): ActionRunResult {
  return {
    outputs: {
      status: redact(result.status),
      'down-services': redact(result.down.join(',')),
      'recovered-services': redact(result.recovered.join(',')),
      'incident-issues': redact(result.incidents.join(',')),
      report: JSON.stringify(redactDeep(result.report, redact)),
    },
    summary: redact(result.summary),
    annotations: uniqueAnnotations(annotationsOf(result, config)).map((a) => ({
      ...a,
      message: redact(a.message),
      title: a.title && redact(a.title),
    })),
    lines: [...result.done.map(redact), `Status: ${result.status}${dryRun ? ' (dry run)' : ''}.`],
    failure: result.failure && redact(result.failure),
    redact,
  };
}

/** Config warnings, then one per service that is down, failing, degraded or slow, then the run's warnings. */
function annotationsOf(result: RunResult, config: Config): ActionAnnotation[] {
  const annotations: ActionAnnotation[] = (config.warnings ?? []).map((w) => ({
    level: 'warning',
    message: `${w.path}: ${w.message}${w.fix ? ` ${w.fix}` : ''}`,
    title: 'Configuration',
  }));
  for (const [id, s] of Object.entries(result.report.services)) {
    const where = `${s.name} (${id})`;
    if (s.status === 'down')
      annotations.push({
        level: 'error',
        message: `${where} is down: ${s.error ?? 'failed checks'}`,
        title: `${s.name} is down`,
      });
    else if (s.failing)
      annotations.push({
        level: 'warning',
        message: `${where} failed its latest check: ${s.error ?? 'failed'}`,
        title: `${s.name} is failing`,
      });
    else if (s.status === 'degraded' || s.status === 'slow')
      annotations.push({
        level: 'warning',
        message: `${where} is ${s.status}${s.responseMs !== undefined ? ` (${s.responseMs}ms)` : ''}`,
        title: `${s.name} is ${s.status}`,
      });
  }
  for (const warning of result.warnings) annotations.push({ level: 'warning', message: warning });
  return annotations;
}

/** Each message once. */
function uniqueAnnotations(list: ActionAnnotation[]): ActionAnnotation[] {
  const seen = new Set<string>();
  return list.filter((a) => !seen.has(a.message) && (seen.add(a.message), true));
}

async function runCommand(options: ActionRunOptions): Promise<ActionRunResult> {
  const { inputs, event, env, clock } = options;
  let redact = redactorFor(options);
  const payload = parseAnswer('the issue_comment event', event.payload, CommentPayloadSchema);
  const github = octokitCommentGitHub(options.client, {
    ...event.repo,
    issueNumber: payload.issue.number,
    commentId: payload.comment.id,
    defaultBranch: payload.repository?.default_branch ?? 'main',
    configPath: inputs.configPath,
    env,
  });
  const local = resolve(event.workspace, inputs.configPath);
  // A checked-out config wins; without a checkout the config is read from the default branch.
  const configSource = existsSync(local)
    ? (select?: (raw: unknown) => unknown) => loadConfig({ path: local, explicit: true, env, select })
    : github.loadConfig.bind(github);
  let services: ReturnType<typeof wire> | undefined;
  const result: RunCommentResult = await runCommentCommand({
    payload,
    github: { ...github, loadConfig: configSource },
    services: (config) => {
      redact = redactorFor(options, config);
      services = wire(options, config, redact, false);
      return services;
    },
    clock,
    logger: redactingLogger(options.logger, (t) => redact(t)),
    redact: (t) => redact(t),
  });
  const line = result.handled
    ? `Command ${result.ok ? 'done' : 'refused or failed'} (${result.stage}).`
    : `Not a command (${result.reason}).`;
  return {
    outputs: { report: JSON.stringify(redactDeep(result, redact)) },
    annotations: [],
    lines: [...(services?.writes ?? []).map(redact), line],
    redact,
  };
}
