import type { ServiceConfig } from '../config/schema.js';
import type { IncidentRef } from '../state/types.js';
import {
  formatTime,
  type CommandContext,
  type CommandOutcome,
  type HandlerResult,
  type TypedCommand,
} from './context.js';
import type { Command } from './parse.js';
import { defangMentions, echo } from './echo.js';
import { recover } from './recover.js';
import { ack, help, pause, resume, setMode, status } from './settings.js';

/**
 * One handler per slash command, face-neutral: the bot and the Action's issue_comment mode both call
 * `handleCommand` after the permission check. Handlers change the shared state only through `store.update`.
 */

export type { CommandContext, CommandOutcome, HandlerResult, TypedCommand } from './context.js';
export { findService, formatTime } from './context.js';

/** Runs one command and records it in the audit log (the service's open incident issue, else the reply). */
export async function handleCommand(typed: TypedCommand, ctx: CommandContext): Promise<CommandOutcome> {
  const at = ctx.clock.now();
  const result = await dispatch(typed.command, ctx);
  const redact = ctx.redact ?? ((t: string) => t);
  const audit = `Audit: @${ctx.actor} ran \`${echo(typed.text, 100)}\` at ${formatTime(at)}: ${result.summary}.`;
  let reply = result.reply;
  const onIncident = result.service ? await openIncident(ctx, result.service) : undefined;
  if (result.service && onIncident && onIncident.number !== ctx.issue.number && ctx.incidents) {
    try {
      // The copy on the incident is scrubbed and defanged exactly like the reply itself.
      const copy = defangMentions(redact(`${audit}\n\n${result.reply}`), [ctx.actor]);
      await ctx.incidents.comment(result.service, onIncident, copy);
      reply += `\n\n<sub>Recorded on incident #${onIncident.number}.</sub>`;
    } catch (error: unknown) {
      const reason = echo(redact(error instanceof Error ? error.message : String(error)), 200);
      ctx.engine.logger.warn(`Audit: could not comment on incident #${onIncident.number}: ${reason}`);
      reply += `\n\n<sub>${audit} (Could not record it on incident #${onIncident.number}: ${reason})</sub>`;
    }
  } else {
    reply += `\n\n<sub>${audit}</sub>`;
  }
  return { ok: result.ok, reply, reaction: result.ok ? 'rocket' : '-1', stateChanged: result.stateChanged };
}

async function openIncident(ctx: CommandContext, service: ServiceConfig): Promise<IncidentRef | undefined> {
  const state = await ctx.store.read();
  const known = state.incidents[service.id];
  if (known) return known;
  try {
    return await ctx.incidents?.findOpen(service);
  } catch (error: unknown) {
    ctx.engine.logger.warn(`Audit: could not look up the open incident of "${service.id}": ${String(error)}`);
    return undefined;
  }
}

function dispatch(command: Command, ctx: CommandContext): Promise<HandlerResult> {
  switch (command.name) {
    case 'status':
      return status(ctx, command.service);
    case 'restart':
    case 'redeploy':
    case 'rollback':
      return recover(ctx, command.service, command.name, command.dryRun, {
        force: command.force,
        reason: command.reason,
      });
    case 'mode':
      return setMode(ctx, command.mode);
    case 'pause':
      return pause(ctx, command.service, command.durationMs);
    case 'resume':
      return resume(ctx, command.service);
    case 'ack':
      return ack(ctx);
    case 'help':
      return Promise.resolve(help(ctx));
  }
}
