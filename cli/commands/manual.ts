import type { RecoveryAction, ServiceConfig } from '../../src/config/schema.js';
import { attemptComment } from '../../src/engine/timeline.js';
import type { EngineDeps } from '../../src/engine/types.js';
import type { RecoveryAttempt } from '../../src/state/types.js';
import { loadServiceConfig } from '../../src/config/service-config.js';
import { runManualAction } from '../../src/engine/manual.js';
import { formatDuration } from '../../src/util/duration.js';
import { buildDeps } from '../deps.js';
import { loadCliConfig, requireService, type CommandContext } from '../context.js';
import { formatEvent } from '../print.js';
import { UsageError } from '../args.js';
import type { CliIO } from '../io.js';

/**
 * `uptime-action restart <service>` / `redeploy <service>` / `rollback <service>` (`--dry-run` plans only): through the service's
 * provider, under the same restart budget as automatic recovery (`--force [--reason]` goes past it), verified
 * healthy afterwards. Reads only that service's settings (src/config/service-config.ts).
 * Exit 0 when the service answers healthy (or the dry run is allowed), 1 when refused or it failed, 2 on
 * bad config or an unknown service.
 */
export function manualCommand(action: RecoveryAction) {
  return async (ctx: CommandContext): Promise<number> => {
    const { args, io } = ctx;
    const name = args.positionals[0];
    const config = await loadCliConfig(ctx, name ? (o) => loadServiceConfig(name, o) : undefined);
    const service = requireService(config, name, action);
    if (args.reason !== undefined && !args.force) {
      throw new UsageError(`${action}: --reason goes with --force (why the budget is overridden).`, action);
    }
    const { deps, store } = buildDeps(config, {
      env: io.env,
      logger: ctx.logger,
      statePath: args.state,
      // A forced attempt is written into the open incident's timeline (incidents.md beside the state).
      incidents: 'file',
      dryRun: args.dryRun,
      onEvent: (event) => {
        const line = formatEvent(event, config, { now: ctx.now });
        if (line) io.out(line);
      },
    });
    const by = io.env.USER ? `${io.env.USER} (cli)` : 'cli';
    const result = await runManualAction(deps, await store.read(), service.id, action, {
      by,
      dryRun: args.dryRun,
      force: args.force,
      reason: args.reason,
    });
    if (!result.allowed) {
      io.err(`👎 ${result.refusal ?? result.plan}`);
      return 1;
    }
    io.out(`${args.dryRun ? '📝' : '🔧'} ${result.plan}`);
    const attempt = result.attempt;
    if (!attempt) return 0;
    // Persist only this service's record, re-read fresh so a concurrent `watch` keeps its own changes.
    await store.update((fresh) => ({
      ...fresh,
      services: { ...fresh.services, [service.id]: result.state.services[service.id] },
    }));
    await recordInIncident(deps, service, attempt);
    return reportAttempt(io, service, action, attempt);
  };
}

/** The attempt's outcome in words; exit 0 when the service answered healthy after it. */
function reportAttempt(
  io: CliIO,
  service: ServiceConfig,
  action: RecoveryAction,
  attempt: RecoveryAttempt,
): number {
  if (attempt.healthy) {
    io.out(
      `🚀 ${service.name}: ${action} done, healthy after ${formatDuration(attempt.durationMs)} — ${attempt.detail}`,
    );
    return 0;
  }
  const what = attempt.providerOk
    ? `the ${action} went through but the service did not answer healthy`
    : `the ${action} failed`;
  io.err(`❌ ${service.name}: ${what} (${formatDuration(attempt.durationMs)}) — ${attempt.detail}`);
  return 1;
}

/**
 * The CLI's attempt goes into the timeline of the service's open local incident (incidents.md), as a slash
 * command's audit entry does on the issue: who, and with --force what the budget said and why. Never fatal.
 */
async function recordInIncident(
  deps: EngineDeps,
  service: ServiceConfig,
  attempt: RecoveryAttempt,
): Promise<void> {
  if (!deps.incidents) return;
  try {
    const open = await deps.incidents.findOpen(service);
    if (open) await deps.incidents.comment(service, open, attemptComment(service, attempt));
  } catch (error: unknown) {
    deps.logger.warn(
      `Service "${service.id}": the ${attempt.action} could not be added to its incident: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
