import * as core from '@actions/core';
import { context as actionsContext } from '@actions/github';
import { runActionEvent, type ActionRunResult } from '../src/run/action.js';
import { systemClock, type Clock } from '../src/util/clock.js';
import { redactingLogger, type Logger } from '../src/util/logger.js';
import { runRedactor } from '../src/run/redactor.js';
import { secretValues } from '../src/util/secrets.js';
import { actionOctokit } from './github.js';
import { readInputs } from './inputs.js';
import { actionFetch, proxySecrets } from './proxy.js';

/** The workflow's context as @actions/github reads it (event name, payload, repository, run id). */
export type ActionContext = Pick<typeof actionsContext, 'eventName' | 'payload' | 'runId' | 'repo'>;

/**
 * The Action: reads the inputs, builds the client and fetch, calls the one core function
 * (`runActionEvent`: a scheduled sweep, or a slash command on `issue_comment`) and prints its result as
 * outputs, a job summary and annotations. Any failure, an Error or not, fails the step.
 * `context` is @actions/github's; tests pass one read from their own environment (and a clock where the
 * hour matters).
 */
export async function run(
  context: ActionContext = actionsContext,
  clock: Clock = systemClock,
): Promise<void> {
  const env = process.env;
  // Until the core's redactor (src/run/redactor.ts, with the config's secrets) takes over: the environment's.
  let redact = runRedactor(env, undefined, proxySecrets(env));
  const { fetch, dispatcher } = actionFetch(env);
  try {
    const inputs = readInputs();
    const secrets = [...secretValues(env, [inputs.token]), ...proxySecrets(env)];
    for (const secret of secrets) core.setSecret(secret);
    redact = runRedactor(env, undefined, [inputs.token, ...proxySecrets(env)]);
    // The core redacts every line it logs (once); only the client's own lines (retries, rate limits) come
    // here without passing through it.
    const logger = actionsLogger();
    const result = await runActionEvent({
      inputs,
      event: {
        name: context.eventName,
        payload: context.payload,
        repo: context.repo,
        runId: Number.isFinite(context.runId) ? context.runId : undefined,
        workspace: env.GITHUB_WORKSPACE ?? process.cwd(),
        workflowRef: env.GITHUB_WORKFLOW_REF,
      },
      client: actionOctokit(
        inputs.token,
        env,
        redactingLogger(logger, (t) => redact(t)),
      ),
      fetch,
      env,
      clock,
      logger,
      secrets: proxySecrets(env),
    });
    redact = result.redact;
    await print(result);
  } catch (error: unknown) {
    // The stack (mapped to the TypeScript sources by dist/action.js.map) for step debug logging.
    if (error instanceof Error && error.stack) core.debug(redact(error.stack));
    core.setFailed(redact(error instanceof Error ? error.message : `uptime-action failed: ${String(error)}`));
  } finally {
    await dispatcher?.close();
  }
}

/** Prints what the core returned; every string in it is already redacted. */
async function print(result: ActionRunResult): Promise<void> {
  for (const [name, value] of Object.entries(result.outputs)) core.setOutput(name, value);
  for (const line of result.lines) core.info(line);
  for (const a of result.annotations) {
    if (a.level === 'error') core.error(a.message, a.title ? { title: a.title } : {});
    else core.warning(a.message, a.title ? { title: a.title } : {});
  }
  if (result.summary !== undefined && process.env.GITHUB_STEP_SUMMARY)
    await core.summary.addRaw(result.summary, true).write();
  if (result.failure) core.setFailed(result.failure);
}

/** Logs through the runner; annotations are made on purpose (down/degraded services), not by every warning. */
function actionsLogger(): Logger {
  return {
    debug: (m) => core.debug(m),
    info: (m) => core.info(m),
    warn: (m) => core.info(`Warning: ${m}`),
    error: (m) => core.info(`Error: ${m}`),
  };
}
