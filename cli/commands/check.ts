import { mergeSweep, sweep } from '../../src/engine/sweep.js';
import type { SweepResult } from '../../src/engine/types.js';
import { buildDeps } from '../deps.js';
import { loadCliConfig, type CommandContext } from '../context.js';
import { formatEvent } from '../print.js';

/** Overall status of a sweep, as the Action's `status` output: `up`, `degraded` or `down`. */
export type OverallStatus = 'up' | 'degraded' | 'down';

/** A service failing at the end of the sweep: down, or its last check failed (not yet confirmed down). */
export function isFailing(outcome: SweepResult['services'][string]): boolean {
  if (outcome.status === 'paused' || outcome.recovered) return false;
  return outcome.status === 'down' || outcome.error !== undefined;
}

/** The `--json` summary of a sweep (no state internals). */
export function summarizeSweep(result: SweepResult, at: number) {
  const outcomes = Object.values(result.services);
  const down = outcomes.filter(isFailing).map((o) => o.service);
  const degraded = outcomes
    .filter((o) => o.status === 'degraded' || o.status === 'slow')
    .map((o) => o.service);
  const status: OverallStatus = down.length ? 'down' : degraded.length ? 'degraded' : 'up';
  return {
    status,
    mode: result.mode,
    checkedAt: new Date(at).toISOString(),
    downServices: down,
    recoveredServices: outcomes.filter((o) => o.recovered).map((o) => o.service),
    services: Object.fromEntries(
      outcomes.map((o) => [
        o.service,
        {
          name: o.name,
          status: o.status,
          responseMs: o.responseMs ?? null,
          error: o.error ?? null,
          recovered: o.recovered,
          planned: o.planned.map((p) => ({ action: p.action, trigger: p.trigger, reason: p.reason })),
          actions: o.attempts.map((a) => ({
            action: a.action,
            trigger: a.trigger,
            providerOk: a.providerOk,
            healthy: a.healthy,
            durationMs: a.durationMs,
            detail: a.detail,
          })),
          incident: o.incident ?? null,
        },
      ]),
    ),
  };
}

const ICON: Record<string, string> = {
  up: '✅',
  slow: '🐢',
  degraded: '🟠',
  down: '❌',
  paused: '⏸️ ',
  unknown: '❔',
};

/**
 * `uptime-action check`: one sweep (probe, confirm, recover as a scheduled run would; `--dry-run` only plans),
 * saved to the local state file. Exit 0 all up, 1 any down, 2 bad config.
 */
export async function checkCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  const config = await loadCliConfig(ctx);
  const { deps, store } = buildDeps(config, {
    env: io.env,
    logger: ctx.logger,
    statePath: args.state,
    incidents: 'none',
    dryRun: args.dryRun,
    onEvent: args.json
      ? undefined
      : (event) => {
          const line = formatEvent(event, config, { now: ctx.now });
          if (line) io.out(line);
        },
  });
  const result = await sweep(deps, await store.read(), { mode: args.mode });
  if (!args.dryRun) await store.update((fresh) => mergeSweep(fresh, result));
  const summary = summarizeSweep(result, ctx.now());
  if (args.json) {
    io.out(JSON.stringify(summary, null, 2));
  } else {
    const width = Math.max(...Object.values(result.services).map((o) => o.name.length));
    for (const o of Object.values(result.services)) {
      const status = isFailing(o) && o.status !== 'down' ? 'failing' : o.status;
      const detail = o.error ? `— ${o.error}` : o.responseMs !== undefined ? `${o.responseMs}ms` : '';
      io.out(
        `${ICON[isFailing(o) ? 'down' : o.status] ?? ''} ${o.name.padEnd(width)}  ${status.padEnd(8)} ${detail}`.trimEnd(),
      );
    }
    const total = Object.keys(result.services).length;
    io.out(
      `${summary.status.toUpperCase()}: ${total - summary.downServices.length} of ${total} services healthy (mode ${result.mode}${args.dryRun ? ', dry run' : ''}).`,
    );
  }
  return summary.downServices.length ? 1 : 0;
}
