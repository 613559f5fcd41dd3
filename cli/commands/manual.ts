import type { RecoveryAction } from '../../src/config/schema.js';
import { runManualAction } from '../../src/engine/manual.js';
import { formatDuration } from '../../src/util/duration.js';
import { buildDeps } from '../deps.js';
import { loadCliConfig, requireService, type CommandContext } from '../context.js';
import { formatEvent } from '../print.js';

/**
 * `uptime-action restart <service>` / `redeploy <service>` / `rollback <service>` (`--dry-run` plans only): through the service's
 * provider, under the same restart budget as automatic recovery, verified healthy afterwards.
 * Exit 0 when the service answers healthy (or the dry run is allowed), 1 when refused or it failed, 2 on
 * bad config or an unknown service.
 */
export function manualCommand(action: RecoveryAction) {
  return async (ctx: CommandContext): Promise<number> => {
    const { args, io } = ctx;
    const config = await loadCliConfig(ctx);
    const service = requireService(config, args.positionals[0], action);
    const { deps, store } = buildDeps(config, {
      env: io.env,
      logger: ctx.logger,
      statePath: args.state,
      incidents: 'none',
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
  };
}
