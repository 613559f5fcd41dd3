import { resolveTuning } from '../config/presets.js';
import type { Config, RecoveryAction, ServiceConfig } from '../config/schema.js';
import { applyAttempt, runManualAction, type ManualResult } from '../engine/manual.js';
import type { EngineDeps } from '../engine/types.js';
import type { IncidentLog } from '../incidents/types.js';
import { renderStatusMarkdown } from '../report/markdown.js';
import type { IncidentRef, StateStore } from '../state/types.js';
import type { Clock } from '../util/clock.js';
import { formatDuration } from '../util/duration.js';
import type { Command } from './parse.js';
import { USAGE } from './parse.js';
import { allowedCommands, type AccessLevel } from './permissions.js';

/**
 * One handler per slash command, face-neutral: the bot and the Action's issue_comment mode both call
 * `handleCommand` after the permission check. Handlers change the shared state only through `store.update`.
 */

/** Everything a handler needs, passed in. */
export interface CommandContext {
  config: Config;
  store: StateStore;
  /** For /restart and /redeploy (through `runManualAction`). */
  engine: EngineDeps;
  clock: Clock;
  /** The commenter's login (without `@`). */
  actor: string;
  /** The commenter's level; `/help` lists only what it allows (all commands when undefined). */
  level?: AccessLevel;
  /** The issue the comment is on. */
  issue: { number: number; labels: string[] };
  /** The audit log; without it every audit line goes in the reply. */
  incidents?: IncidentLog;
}

/** What to tell the commenter. */
export interface CommandOutcome {
  ok: boolean;
  /** Markdown reply, posted on the issue. */
  reply: string;
  reaction: 'rocket' | '-1';
  /** The shared state was written. */
  stateChanged: boolean;
}

/** A parsed command and the line as typed (for the audit log). */
export interface TypedCommand {
  command: Command;
  text: string;
}

interface Result {
  ok: boolean;
  reply: string;
  stateChanged: boolean;
  /** The service the command was about: its open incident gets the audit line. */
  service?: ServiceConfig;
  /** One phrase for the audit line, e.g. `restarted, healthy after 42s`. */
  summary: string;
}

/** Runs one command and records it in the audit log (the service's open incident issue, else the reply). */
export async function handleCommand(typed: TypedCommand, ctx: CommandContext): Promise<CommandOutcome> {
  const at = ctx.clock.now();
  const result = await dispatch(typed.command, ctx);
  const audit = `Audit: @${ctx.actor} ran \`${typed.text}\` at ${formatTime(at)}: ${result.summary}.`;
  let reply = result.reply;
  const onIncident = result.service ? await openIncident(ctx, result.service) : undefined;
  if (result.service && onIncident && onIncident.number !== ctx.issue.number && ctx.incidents) {
    try {
      await ctx.incidents.comment(result.service, onIncident, `${audit}\n\n${result.reply}`);
      reply += `\n\n<sub>Recorded on incident #${onIncident.number}.</sub>`;
    } catch (error: unknown) {
      const reason = error instanceof Error ? error.message : String(error);
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

function dispatch(command: Command, ctx: CommandContext): Promise<Result> {
  switch (command.name) {
    case 'status':
      return status(ctx, command.service);
    case 'restart':
    case 'redeploy':
      return recover(ctx, command.service, command.name, command.dryRun);
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

/** The config's service for a typed name: the exact key, else a case-insensitive match. */
export function findService(config: Config, name: string): ServiceConfig | undefined {
  return (
    config.services[name] ??
    Object.values(config.services).find((s) => s.id.toLowerCase() === name.toLowerCase())
  );
}

function unknownService(config: Config, name: string): Result {
  const known = Object.keys(config.services)
    .map((k) => `\`${k}\``)
    .join(', ');
  return {
    ok: false,
    reply: `There is no service \`${name}\` in ${config.source}. Known services: ${known}.`,
    stateChanged: false,
    summary: `refused (unknown service "${name}")`,
  };
}

/** `2026-01-01 12:00:05 UTC`. */
export function formatTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

async function status(ctx: CommandContext, name?: string): Promise<Result> {
  const service = name === undefined ? undefined : findService(ctx.config, name);
  if (name !== undefined && !service) return unknownService(ctx.config, name);
  const state = await ctx.store.read();
  const mode = state.mode ?? ctx.config.mode;
  const reply = renderStatusMarkdown(ctx.config, state, {
    now: ctx.clock.now(),
    mode,
    only: service ? [service.id] : undefined,
  });
  return { ok: true, reply, stateChanged: false, summary: 'status shown' };
}

async function recover(
  ctx: CommandContext,
  name: string,
  action: RecoveryAction,
  dryRun: boolean,
): Promise<Result> {
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
  const result = await runManualAction(ctx.engine, before, service.id, action, { by: ctx.actor, dryRun });
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
  if (attempt) await ctx.store.update((fresh) => applyAttempt(fresh, service.id, attempt));
  return { ...describeAttempt(service, action, result), service, stateChanged: true };
}

function refused(service: ServiceConfig, result: ManualResult): Result {
  // The engine's refusal names the reason and, for the budget, when the next attempt is allowed.
  return {
    ok: false,
    service,
    stateChanged: false,
    reply: result.refusal ?? `${service.name}: refused by the recovery policy.`,
    summary: `refused (${result.refusal ?? 'policy'})`,
  };
}

function describeAttempt(
  service: ServiceConfig,
  action: RecoveryAction,
  result: ManualResult,
): Omit<Result, 'service' | 'stateChanged'> {
  const attempt = result.attempt;
  const past = action === 'restart' ? 'Restarted' : 'Redeployed';
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
  const [headline, ...rest] = attempt.detail.split('\n');
  const output = rest.join('\n').trim();
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
  return {
    ok: attempt.healthy,
    reply: `${past} **${service.name}** through ${provider} (${headline}); ${health}${details}`,
    summary: `${action === 'restart' ? 'restarted' : 'redeployed'} in ${took}, ${attempt.healthy ? 'healthy' : 'not healthy'}`,
  };
}

async function setMode(ctx: CommandContext, mode: Config['mode']): Promise<Result> {
  let previous: Config['mode'] = ctx.config.mode;
  await ctx.store.update((state) => {
    previous = state.mode ?? ctx.config.mode;
    return { ...state, mode, modeSetBy: ctx.actor };
  });
  const t = resolveTuning(ctx.config, mode);
  const tuning =
    `checks every ${formatDuration(t.healthCheckInterval)}, down after ${t.maxConsecutiveFailures} failed check${t.maxConsecutiveFailures === 1 ? '' : 's'}, ` +
    `slow above ${formatDuration(t.slowResponseThreshold)}, predictive restart ${t.predictiveRestart ? 'on' : 'off'}`;
  const was = previous === mode ? ' (it already was)' : ` (was ${previous})`;
  return {
    ok: true,
    stateChanged: true,
    reply: `Mode is now **${mode}**${was} for every later sweep: ${tuning}.`,
    summary: `mode set to ${mode}`,
  };
}

async function pause(ctx: CommandContext, name: string, durationMs?: number): Promise<Result> {
  const service = findService(ctx.config, name);
  if (!service) return unknownService(ctx.config, name);
  const at = ctx.clock.now();
  const until = durationMs === undefined ? undefined : at + durationMs;
  await ctx.store.update((state) => ({
    ...state,
    pauses: { ...state.pauses, [service.id]: { until, by: ctx.actor, at } },
  }));
  const how =
    until === undefined ? 'until `/resume`' : `until ${formatTime(until)} (${formatDuration(durationMs!)})`;
  return {
    ok: true,
    service,
    stateChanged: true,
    reply: `Paused **${service.name}** ${how}: its checks don't count and nothing restarts it. \`/resume ${service.id}\` ends the pause early.`,
    summary: `paused ${how.replace(/`/g, '')}`,
  };
}

async function resume(ctx: CommandContext, name: string): Promise<Result> {
  const service = findService(ctx.config, name);
  if (!service) return unknownService(ctx.config, name);
  let wasPaused = false;
  let removed = false;
  await ctx.store.update((state) => {
    const active = state.pauses[service.id];
    wasPaused = active !== undefined && (active.until === undefined || active.until > ctx.clock.now());
    removed = active !== undefined;
    if (!active) return state;
    const pauses = { ...state.pauses };
    delete pauses[service.id];
    return { ...state, pauses };
  });
  return {
    ok: true,
    service,
    stateChanged: removed,
    reply: wasPaused
      ? `Resumed **${service.name}**: checks count again and recovery is back on.`
      : `**${service.name}** was not paused; nothing changed.`,
    summary: wasPaused ? 'resumed' : 'not paused',
  };
}

async function ack(ctx: CommandContext): Promise<Result> {
  const state = await ctx.store.read();
  let serviceId = Object.entries(state.incidents).find(([, ref]) => ref.number === ctx.issue.number)?.[0];
  let ref: IncidentRef | undefined = serviceId ? state.incidents[serviceId] : undefined;
  if (!serviceId) {
    // The state may not know an incident another run opened: the issue's `service:<id>` label and the log tell.
    const labelled = ctx.issue.labels
      .map((l) => /^service:(.+)$/.exec(l)?.[1])
      .find((id) => id && ctx.config.services[id]);
    const service = labelled ? ctx.config.services[labelled] : undefined;
    const open = service ? await ctx.incidents?.findOpen(service) : undefined;
    if (service && open?.number === ctx.issue.number) [serviceId, ref] = [service.id, open];
  }
  if (!serviceId || !ref) {
    return {
      ok: false,
      stateChanged: false,
      reply: `\`/ack\` works on an open incident issue, and #${ctx.issue.number} is not one. Type it on the incident's issue.`,
      summary: 'refused (not an open incident issue)',
    };
  }
  const id = serviceId;
  const base = ref;
  await ctx.store.update((s) => ({
    ...s,
    incidents: { ...s.incidents, [id]: { ...(s.incidents[id] ?? base), ackedBy: ctx.actor } },
  }));
  const service = ctx.config.services[id];
  const before = base.ackedBy && base.ackedBy !== ctx.actor ? ` (it was @${base.ackedBy})` : '';
  return {
    ok: true,
    service,
    stateChanged: true,
    reply: `@${ctx.actor} owns this incident of **${service.name}** now${before}: escalation mentions stop. Recovery still runs and the issue closes when the service is back.`,
    summary: 'acknowledged',
  };
}

function help(ctx: CommandContext): Result {
  const names =
    ctx.level === undefined
      ? (Object.keys(USAGE) as Array<keyof typeof USAGE>)
      : allowedCommands(ctx.config, ctx.level);
  const rows = names.map(
    (n) => `| \`${USAGE[n].usage}\` | ${ctx.config.permissions[n]} | ${USAGE[n].does} |`,
  );
  const who = ctx.level === undefined ? '' : ` you (@${ctx.actor}, ${ctx.level} access) may run`;
  const services = Object.keys(ctx.config.services)
    .map((k) => `\`${k}\``)
    .join(', ');
  const reply = [
    `Commands${who}:`,
    '',
    '| command | needs | does |',
    '| --- | --- | --- |',
    ...rows,
    '',
    `Services: ${services}. The command goes on the first line of a new comment.`,
  ].join('\n');
  return { ok: true, reply, stateChanged: false, summary: 'help shown' };
}
