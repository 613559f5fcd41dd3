import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { octokitCommentGitHub } from '../src/commands/octokit.js';
import { runCommentCommand, type IssueCommentPayload } from '../src/commands/run.js';
import { loadConfig } from '../src/config/load.js';
import { cronIntervalMs, detectCronGaps, workflowPathFromRef } from '../src/github/cron.js';
import { createOctokit } from '../src/github/octokit.js';
import { runScheduled, type ScheduledRunResult } from '../src/github/scheduled.js';
import { githubServices } from '../src/github/services.js';
import { systemClock } from '../src/util/clock.js';
import type { Logger } from '../src/util/logger.js';
import { makeRedactor, secretValues } from '../src/util/secrets.js';
import { httpFetch } from './http-fetch.js';
import { readInputs, type ActionOptions } from './inputs.js';
import * as core from './toolkit.js';

/**
 * The Action: reads the inputs and the workflow's context, calls the core (a scheduled sweep, or a slash
 * command on `issue_comment`), and turns the result into outputs, a job summary and annotations. No decisions here.
 */
export async function run(): Promise<void> {
  const env = process.env;
  let redact = makeRedactor(secretValues(env));
  try {
    const options = readInputs((name) => core.getInput(name));
    const secrets = secretValues(env, [options.token]);
    for (const secret of secrets) core.setSecret(secret);
    redact = makeRedactor(secrets);
    const logger = actionsLogger(redact);
    const context = readContext(env);
    // UPTIME_GITHUB_PACING_MS: the pause between GitHub writes (default GitHub's ~1 s, 3 s for notifying ones).
    const pacingMs = env.UPTIME_GITHUB_PACING_MS ? Number(env.UPTIME_GITHUB_PACING_MS) : undefined;
    const pacing =
      pacingMs !== undefined && Number.isFinite(pacingMs)
        ? { writeMs: pacingMs, notifyMs: pacingMs }
        : undefined;
    const client = createOctokit({
      token: options.token,
      baseUrl: env.GITHUB_API_URL,
      logger,
      pacing,
      request: { fetch: httpFetch },
    });
    const wire = (config: Awaited<ReturnType<typeof loadConfig>>, dryRun: boolean) =>
      githubServices(config, {
        ...context.repo,
        client,
        env,
        clock: systemClock,
        logger,
        fetch: httpFetch,
        stateBranch: options.stateBranch,
        dryRun,
      });

    if (context.eventName === 'issue_comment') {
      const payload = context.payload as unknown as IssueCommentPayload & {
        repository?: { default_branch?: string };
      };
      const github = octokitCommentGitHub(client, {
        ...context.repo,
        issueNumber: payload.issue.number,
        commentId: payload.comment.id,
        defaultBranch: payload.repository?.default_branch ?? 'main',
        configPath: options.configPath,
        env,
      });
      const local = resolve(context.workspace, options.configPath);
      // A checked-out config wins; without a checkout the config is read from the default branch.
      if (existsSync(local)) github.loadConfig = () => loadConfig({ path: local, explicit: true, env });
      const result = await runCommentCommand({
        payload,
        github,
        services: (config) => wire(config, false),
        clock: systemClock,
        logger,
        redact,
      });
      core.setOutput('report', JSON.stringify(result));
      core.info(
        result.handled
          ? `Command ${result.ok ? 'done' : 'refused or failed'} (${result.stage}).`
          : `Not a command (${result.reason}).`,
      );
      return;
    }

    const config = await loadConfig({
      path: resolve(context.workspace, options.configPath),
      explicit: options.configExplicit,
      env,
    });
    const { engine, store } = wire(config, options.dryRun);
    const cron = typeof context.payload.schedule === 'string' ? context.payload.schedule : undefined;
    const intervalMs = cron ? cronIntervalMs(cron) : undefined;
    const result = await runScheduled({
      deps: engine,
      store,
      mode: options.mode,
      watchMs: options.watchMs,
      detectGaps:
        context.eventName === 'schedule' && intervalMs
          ? () =>
              detectCronGaps({
                ...context.repo,
                client,
                runId: context.runId,
                workflowPath: context.workflowPath,
                intervalMs,
                now: systemClock.now(),
              })
          : undefined,
    });
    report(result, options, redact);
  } catch (error: unknown) {
    // Fail the step on anything, Error or not, so the workflow's own notifications fire.
    core.setFailed(redact(error instanceof Error ? error.message : `uptime-action failed: ${String(error)}`));
  }
}

function report(result: ScheduledRunResult, options: ActionOptions, redact: (t: string) => string): void {
  core.setOutput('status', result.status);
  core.setOutput('down-services', result.down.join(','));
  core.setOutput('recovered-services', result.recovered.join(','));
  core.setOutput('incident-issues', result.incidents.join(','));
  core.setOutput('report', redact(JSON.stringify(result.report)));
  for (const line of result.done) core.info(redact(line));
  for (const [id, s] of Object.entries(result.report.services)) {
    const where = `${s.name} (${id})`;
    if (s.status === 'down')
      core.error(redact(`${where} is down: ${s.error ?? 'failed checks'}`), { title: `${s.name} is down` });
    else if (s.status === 'degraded' || s.status === 'slow')
      core.warning(
        redact(`${where} is ${s.status}${s.responseMs !== undefined ? ` (${s.responseMs}ms)` : ''}`),
        { title: `${s.name} is ${s.status}` },
      );
  }
  for (const warning of result.warnings) core.warning(redact(warning));
  if (process.env.GITHUB_STEP_SUMMARY) core.appendSummary(redact(result.summary));
  if (result.failure) core.setFailed(redact(result.failure));
  else core.info(`Status: ${result.status}${options.dryRun ? ' (dry run)' : ''}.`);
}

/** The workflow's context, from the variables every runner sets. */
function readContext(env: NodeJS.ProcessEnv) {
  const [owner, repo] = (env.GITHUB_REPOSITORY ?? '').split('/');
  if (!owner || !repo)
    throw new Error(
      'GITHUB_REPOSITORY is not set; uptime-action runs inside a GitHub Actions workflow (use the CLI elsewhere).',
    );
  let payload: Record<string, unknown> = {};
  if (env.GITHUB_EVENT_PATH && existsSync(env.GITHUB_EVENT_PATH))
    payload = JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8')) as Record<string, unknown>;
  return {
    repo: { owner, repo },
    eventName: env.GITHUB_EVENT_NAME ?? '',
    payload,
    runId: env.GITHUB_RUN_ID ? Number(env.GITHUB_RUN_ID) : undefined,
    workflowPath: workflowPathFromRef(env.GITHUB_WORKFLOW_REF),
    workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
  };
}

/** Logs through the runner; annotations are made on purpose (down/degraded services), not by every warning. */
function actionsLogger(redact: (t: string) => string): Logger {
  return {
    debug: (m) => core.debug(redact(m)),
    info: (m) => core.info(redact(m)),
    warn: (m) => core.info(`Warning: ${redact(m)}`),
    error: (m) => core.info(`Error: ${redact(m)}`),
  };
}
