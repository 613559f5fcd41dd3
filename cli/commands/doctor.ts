import { renderDoctor, runDoctor } from '../../src/providers/doctor.js';
import { buildDeps } from '../deps.js';
import { loadCliConfig, type CommandContext } from '../context.js';

/**
 * `uptime-action doctor`: read-only checks per service (token present and accepted, service ID exists,
 * environment resolvable, a deployment to restart, permission). Never restarts anything.
 * Exit 0 when every check passes, 1 otherwise.
 */
export async function doctorCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  const config = await loadCliConfig(ctx);
  const { deps } = buildDeps(config, {
    env: io.env,
    logger: ctx.logger,
    statePath: args.state,
    incidents: 'none',
  });
  const report = await runDoctor(config, deps.provider, deps.providerContext);
  io.out(renderDoctor(report));
  return report.ok ? 0 : 1;
}
