import { keysOf } from '../util/fields.js';
import { resolveTuning } from '../config/presets.js';
import type { Config } from '../config/schema.js';
import { renderStatusMarkdown } from '../report/markdown.js';
import type { IncidentRef } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import {
  findService,
  formatTime,
  unknownService,
  type CommandContext,
  type HandlerResult,
} from './context.js';
import { neutralize } from '../util/redact.js';
import { USAGE } from './parse.js';
import { allowedCommands } from './permissions.js';

/** The commands that read or change the shared state without a provider: /status, /mode, /pause, /resume, /ack, /help. */

export async function status(ctx: CommandContext, name?: string): Promise<HandlerResult> {
  const service = name === undefined ? undefined : findService(ctx.config, name);
  if (name !== undefined && !service) return unknownService(ctx.config, name);
  const state = await ctx.store.read();
  const mode = state.mode ?? ctx.config.mode;
  // An endpoint's words (the last error) are shown inert: no mention, no link.
  const services: typeof state.services = {};
  for (const [id, record] of Object.entries(state.services))
    services[id] = record?.health?.lastError
      ? {
          ...record,
          health: { ...record.health, lastError: neutralize(record.health.lastError, { issueRefs: true }) },
        }
      : record;
  const reply = renderStatusMarkdown(
    ctx.config,
    { ...state, services },
    {
      now: ctx.clock.now(),
      mode,
      only: service ? [service.id] : undefined,
    },
  );
  // The published status page (statusPage.url): `href` is the parsed URL, so `<`/`>` are percent-encoded.
  const page = ctx.config.statusPage?.url ? new URL(ctx.config.statusPage.url).href : undefined;
  const link = page ? `\n\n[Status page](<${page}>)` : '';
  return { ok: true, reply: `${reply}${link}`, stateChanged: false, summary: 'status shown' };
}

export async function setMode(ctx: CommandContext, mode: Config['mode']): Promise<HandlerResult> {
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

export async function pause(ctx: CommandContext, name: string, durationMs?: number): Promise<HandlerResult> {
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

export async function resume(ctx: CommandContext, name: string): Promise<HandlerResult> {
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

export async function ack(ctx: CommandContext): Promise<HandlerResult> {
  const state = await ctx.store.read();
  let serviceId = Object.entries(state.incidents).find(([, ref]) => ref.number === ctx.issue.number)?.[0];
  let ref: IncidentRef | undefined = serviceId ? state.incidents[serviceId] : undefined;
  if (!serviceId) {
    // The state may not know an incident another run opened: the issue's `service:<id>` label and the log tell.
    const labelled = ctx.issue.labels
      .map((l) => /^service:(.+)$/.exec(l)?.[1])
      .find((id) => id && Object.hasOwn(ctx.config.services, id));
    const service =
      labelled && Object.hasOwn(ctx.config.services, labelled) ? ctx.config.services[labelled] : undefined;
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
  const service = findService(ctx.config, id);
  if (!service) return unknownService(ctx.config, id);
  await ctx.store.update((s) => ({
    ...s,
    incidents: { ...s.incidents, [id]: { ...(s.incidents[id] ?? base), ackedBy: ctx.actor } },
  }));
  const before = base.ackedBy && base.ackedBy !== ctx.actor ? ` (it was @${base.ackedBy})` : '';
  return {
    ok: true,
    service,
    stateChanged: true,
    reply: `@${ctx.actor} owns this incident of **${service.name}** now${before}: escalation mentions stop. Recovery still runs and the issue closes when the service is back.`,
    summary: 'acknowledged',
  };
}

export function help(ctx: CommandContext): HandlerResult {
  const names = ctx.level === undefined ? keysOf(USAGE) : allowedCommands(ctx.config, ctx.level);
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
