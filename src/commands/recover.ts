import type { RecoveryAction, ServiceConfig } from '../config/schema.js';
import { applyAttempt, runManualAction, type ManualResult } from '../engine/manual.js';
import { formatDuration } from '../util/duration.js';
import { echo } from './echo.js';
import { neutralize } from '../util/redact.js';
import { findService, unknownService, type CommandContext, type HandlerResult } from './context.js';

/** `/restart`, `/redeploy` and `/rollback`: through `runManualAction` (pauses, restart budget, verify), persisted with `store.update`. */
export async function recover(
  ctx: CommandContext,
  name: string,
  action: RecoveryAction,
  dryRun: boolean,
  override: {
    /** `--force`: past the restart budget (the pipeline allowed it: admin). */ force?: boolean;
    reason?: string;
  } = {},
): Promise<HandlerResult> {
  const service = findService(ctx.config, name);
  if (!service) return unknownService(ctx.config, name);
  if (!service.recovery) {
    return {
      ok: false,
      service,
      stateChanged: false,
      reply: `\`${service.id}\` has no \`recovery:\` section in ${ctx.config.source}, so there is nothing to ${action} it with. Add \`services.${service.id}.recovery\` (provider and service ID) to recover it from here.`,
      summary: `refused (no recovery configured)`,
    };
  }
  const before = await ctx.store.read();
  const result = await runManualAction(ctx.engine, before, service.id, action, {
    by: ctx.actor,
    dryRun,
    force: override.force,
    reason: override.reason,
  });
  if (!result.allowed) return refused(service, result);
  if (dryRun) {
    return {
      ok: true,
      service,
      stateChanged: false,
      reply: `${result.plan}\n\nNothing was done.`,
      summary: `dry run (${action} allowed)`,
    };
  }
  const attempt = result.attempt;
  let unrecorded = '';
  if (attempt) {
    try {
      await ctx.store.update((fresh) => applyAttempt(fresh, service.id, attempt));
    } catch (error: unknown) {
      // The attempt ran: the reply says what it did, and that the state does not know it yet.
      const reason = (error instanceof Error ? error.message : String(error)).split('\n')[0];
      unrecorded = `\n\n⚠️ This ${action} is not recorded in the shared state (${echo(reason, 200)}); until the state can be written, at most one attempt runs per restart window.`;
    }
  }
  const described = describeAttempt(service, action, result);
  return { ...described, reply: `${described.reply}${unrecorded}`, service, stateChanged: !unrecorded };
}

function refused(service: ServiceConfig, result: ManualResult): HandlerResult {
  // The engine's refusal names the reason and, for the budget, when the next attempt is allowed.
  return {
    ok: false,
    service,
    stateChanged: false,
    reply: result.refusal ?? `${service.name}: refused by the recovery policy.`,
    summary: `refused (${result.refusal ?? 'policy'})`,
  };
}

const PAST: Record<RecoveryAction, string> = {
  restart: 'Restarted',
  redeploy: 'Redeployed',
  rollback: 'Rolled back',
};

function describeAttempt(
  service: ServiceConfig,
  action: RecoveryAction,
  result: ManualResult,
): Omit<HandlerResult, 'service' | 'stateChanged'> {
  const attempt = result.attempt;
  const past = PAST[action];
  if (!attempt) {
    return {
      ok: false,
      reply: `No ${action} was carried out for **${service.name}**: ${result.plan}`,
      summary: 'nothing done',
    };
  }
  const provider = service.recovery?.provider ?? 'provider';
  const took = formatDuration(attempt.durationMs);
  // The detail's first line is the provider's summary; the rest is command or webhook output.
  // Both may quote what an endpoint or a process answered: shown inert.
  const [first, ...rest] = attempt.detail.split('\n');
  const headline = echo(first ?? '', 200);
  const output = neutralize(rest.join('\n').trim(), { issueRefs: true });
  const details = output
    ? `\n\n<details><summary>Output</summary>\n\n\`\`\`\n${output}\n\`\`\`\n</details>`
    : '';
  if (!attempt.providerOk) {
    return {
      ok: false,
      reply: `The ${action} of **${service.name}** through ${provider} failed after ${took}: ${headline}${details}`,
      summary: `${action} failed (${headline})`,
    };
  }
  const health = attempt.healthy
    ? `it answered healthy after ${took}.`
    : `it did **not** answer healthy within ${took}; recovery continues on the next sweep.`;
  // A --force is said in the reply, so the audit entry on the incident records who went past what, and why.
  const forced = attempt.forced ? `\n\n⚠️ ${neutralize(attempt.forced, { issueRefs: true })}.` : '';
  return {
    ok: attempt.healthy,
    reply: `${past} **${service.name}** through ${provider} (${headline}); ${health}${forced}${details}`,
    summary: `${PAST[action].toLowerCase()} in ${took}, ${attempt.healthy ? 'healthy' : 'not healthy'}`,
  };
}
