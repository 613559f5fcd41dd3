import * as core from '@actions/core';
import { context as actionsContext } from '@actions/github';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { octokitCommentGitHub } from '../src/commands/octokit.js';
import { runCommentCommand, type RunCommentResult, type IssueCommentPayload } from '../src/commands/run.js';
import { loadConfig } from '../src/config/load.js';
import { cronIntervalMs, detectCronGaps, workflowPathFromRef } from '../src/github/cron.js';
import { runScheduled, type ScheduledRunResult } from '../src/github/scheduled.js';
import { githubServices } from '../src/github/services.js';
import { systemClock } from '../src/util/clock.js';
import type { Logger } from '../src/util/logger.js';
import { makeRedactor, secretValues } from '../src/util/secrets.js';
import { actionOctokit } from './github.js';
import { readInputs, type ActionOptions } from './inputs.js';
import { actionFetch, proxySecrets } from './proxy.js';

/** The workflow's context as @actions/github reads it (event name, payload, repository, run id). */
export type ActionContext = Pick<typeof actionsContext, 'eventName' | 'payload' | 'runId' | 'repo'>;

/**
 * The Action: reads the inputs, calls the core (a scheduled sweep, or a slash command on `issue_comment`), and
 * prints the result as outputs, a job summary and annotations. Any failure, an Error or not, fails the step.
 * `context` is @actions/github's; tests pass one read from their own environment.
 */
export async function run(context: ActionContext = actionsContext): Promise<void> {
  const env = process.env;
  let redact = makeRedactor([...secretValues(env), ...proxySecrets(env)]);
  const { fetch, dispatcher } = actionFetch(env);
  try {
    const options = readInputs();
    const secrets = [...secretValues(env, [options.token]), ...proxySecrets(env)];
    for (const secret of secrets) core.setSecret(secret);
    redact = makeRedactor(secrets);
    if (context.eventName === 'issue_comment')
      printCommand(await runCommand(context, options, fetch, redact));
    else await printScheduled(await runSweep(context, options, fetch, redact), options, redact);
  } catch (error: unknown) {
    // The stack (mapped to the TypeScript sources by dist/action.js.map) for step debug logging.
    if (error instanceof Error && error.stack) core.debug(redact(error.stack));
    core.setFailed(redact(error instanceof Error ? error.message : `uptime-action failed: ${String(error)}`));
  } finally {
    await dispatcher?.close();
  }
}

// TODO(engine): the wiring below (config source, services, cron-gap policy) belongs in one core function;
// main.ts should call it and print its result. Kept here until src/engine/ offers it.
function wiring(
  context: ActionContext,
  options: ActionOptions,
  fetch: typeof globalThis.fetch,
  redact: (t: string) => string,
) {
  const env = process.env;
  const logger = actionsLogger(redact);
  const client = actionOctokit(options.token, env, logger);
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd();
  const wire = (config: Awaited<ReturnType<typeof loadConfig>>, dryRun: boolean) =>
    githubServices(config, {
      ...context.repo,
      client,
      env,
      clock: systemClock,
      logger,
      fetch,
      stateBranch: options.stateBranch,
      dryRun,
    });
  return { env, logger, client, workspace, wire };
}

async function runSweep(
  context: ActionContext,
  options: ActionOptions,
  fetch: typeof globalThis.fetch,
  redact: (t: string) => string,
): Promise<ScheduledRunResult> {
  const { env, client, workspace, wire } = wiring(context, options, fetch, redact);
  const config = await loadConfig({
    path: resolve(workspace, options.configPath),
    explicit: options.configExplicit,
    env,
  });
  const { engine, store, site } = wire(config, options.dryRun);
  const cron = typeof context.payload.schedule === 'string' ? context.payload.schedule : undefined;
  const intervalMs = cron ? cronIntervalMs(cron) : undefined;
  const runId = Number.isFinite(context.runId) ? context.runId : undefined;
  return runScheduled({
    deps: engine,
    store,
    site,
    mode: options.mode,
    watchMs: options.watchMs,
    detectGaps:
      context.eventName === 'schedule' && intervalMs
        ? () =>
            detectCronGaps({
              ...context.repo,
              client,
              runId,
              workflowPath: workflowPathFromRef(env.GITHUB_WORKFLOW_REF),
              intervalMs,
              now: systemClock.now(),
            })
        : undefined,
  });
}

async function runCommand(
  context: ActionContext,
  options: ActionOptions,
  fetch: typeof globalThis.fetch,
  redact: (t: string) => string,
): Promise<RunCommentResult> {
  const { env, logger, client, workspace, wire } = wiring(context, options, fetch, redact);
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
  const local = resolve(workspace, options.configPath);
  // A checked-out config wins; without a checkout the config is read from the default branch.
  if (existsSync(local)) github.loadConfig = () => loadConfig({ path: local, explicit: true, env });
  return runCommentCommand({
    payload,
    github,
    services: (config) => wire(config, false),
    clock: systemClock,
    logger,
    redact,
  });
}

function printCommand(result: RunCommentResult): void {
  core.setOutput('report', JSON.stringify(result));
  core.info(
    result.handled
      ? `Command ${result.ok ? 'done' : 'refused or failed'} (${result.stage}).`
      : `Not a command (${result.reason}).`,
  );
}

async function printScheduled(
  result: ScheduledRunResult,
  options: ActionOptions,
  redact: (t: string) => string,
): Promise<void> {
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
  if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(redact(result.summary), true).write();
  if (result.failure) core.setFailed(redact(result.failure));
  else core.info(`Status: ${result.status}${options.dryRun ? ' (dry run)' : ''}.`);
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
