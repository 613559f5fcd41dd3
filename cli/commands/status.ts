import { effectiveMode } from '../../src/engine/sweep.js';
import { buildDeps } from '../deps.js';
import { loadCliConfig, type CommandContext } from '../context.js';
import { renderStatus } from '../status-block.js';

/**
 * `uptime-action status`: the dashboard from the local state file (`--state`), no probing.
 * Exit 0 (also with no checks recorded yet, saying so).
 */
export async function statusCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  const config = await loadCliConfig(ctx);
  const { store } = buildDeps(config, {
    env: io.env,
    logger: ctx.logger,
    statePath: args.state,
    incidents: 'none',
  });
  const state = await store.read();
  if (Object.keys(state.services).length === 0) {
    io.out(
      `No checks recorded yet in ${args.state}. Run \`uptime-action check\` or \`uptime-action watch\` first.`,
    );
    return 0;
  }
  const mode = effectiveMode(config, state, args.mode);
  io.out(renderStatus(config, state, { mode, now: ctx.now() }));
  if (state.lastSweepAt)
    io.out(`Last check: ${new Date(state.lastSweepAt).toISOString()} · state: ${args.state}`);
  return 0;
}
