import { effectiveMode } from '../../src/engine/sweep.js';
import type { Mode } from '../../src/config/presets.js';
import type { Config } from '../../src/config/schema.js';
import { buildStatusRows, type StatusRow } from '../../src/report/rows.js';
import type { UptimeState } from '../../src/state/types.js';
import { buildDeps } from '../deps.js';
import { loadCliConfig, rejectPositionals, type CommandContext } from '../context.js';
import { renderStatus } from '../status-block.js';

/**
 * `uptime-action status`: the dashboard from the local state file (`--state`), no probing.
 * Exit 0 (also with no checks recorded yet, saying so).
 */
export async function statusCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  rejectPositionals(ctx);
  const config = await loadCliConfig(ctx);
  const { store } = buildDeps(config, {
    env: io.env,
    logger: ctx.logger,
    statePath: args.state,
    incidents: 'none',
  });
  const state = await store.read();
  const mode = effectiveMode(config, state, args.mode);
  if (args.json) {
    io.out(JSON.stringify(statusJson(config, state, mode, ctx.now()), null, 2));
    return 0;
  }
  if (Object.keys(state.services).length === 0) {
    io.out(
      `No checks recorded yet in ${args.state}. Run \`uptime-action sweep\` (one round, saved) or \`uptime-action watch\` first; \`check\` saves nothing.`,
    );
    return 0;
  }
  io.out(renderStatus(config, state, { mode, now: ctx.now() }));
  if (state.lastSweepAt)
    io.out(`Last check: ${new Date(state.lastSweepAt).toISOString()} · state: ${args.state}`);
  return 0;
}

/** The `--json` dashboard: per service its status, uptime, checks and last repair; times in ISO 8601. */
function statusJson(config: Config, state: UptimeState, mode: Mode, now: number) {
  const rows = buildStatusRows(config, state, now);
  return {
    mode,
    lastCheckAt: state.lastSweepAt ? new Date(state.lastSweepAt).toISOString() : null,
    services: Object.fromEntries(
      rows.map((r) => [
        r.id,
        {
          name: r.name,
          // As `sweep --json` says it (src/report/status.ts): a failed check not yet called down is degraded.
          status: r.failing ? 'degraded' : r.status,
          ...(r.failing ? { failing: true } : {}),
          error: r.lastError ?? null,
          uptimePercent: r.uptimeTimePercent ?? r.uptimePercent ?? null,
          responseMs: r.lastResponseMs ?? null,
          checks: { ok: r.checksOk, total: r.checksTotal },
          repairs: r.repairs,
          // Times in JSON are ISO 8601 (as lastCheckAt), never epoch milliseconds.
          lastRepair: r.lastRepair ? repairJson(r.lastRepair) : null,
          incident: r.incident ?? null,
        },
      ]),
    ),
  };
}

function repairJson(repair: NonNullable<StatusRow['lastRepair']>) {
  return {
    action: repair.action,
    trigger: repair.trigger,
    at: new Date(repair.at).toISOString(),
    durationMs: repair.durationMs,
    providerOk: repair.providerOk,
    healthy: repair.healthy,
    ...(repair.by ? { by: repair.by } : {}),
    ...(repair.forced ? { forced: repair.forced } : {}),
    detail: repair.detail,
  };
}
