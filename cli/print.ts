import type { Config } from '../src/config/schema.js';
import type { Mode, Tuning } from '../src/config/presets.js';
import { formatDuration } from '../src/util/duration.js';
import type { EngineEvent } from '../src/outcome/types.js';

/** `HH:MM:SS` in local time, the stamp in front of every log line. */
export function stamp(at: number): string {
  const d = new Date(at);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

const onOff = (value: boolean) => (value ? 'ON' : 'OFF');

/**
 * The seed monitor's startup banner: mode, check interval, the targets, parallel recovery and predictive
 * restart. `note` is an extra line (the demo says its timings are shortened).
 */
export function renderBanner(config: Config, mode: Mode, tuning: Tuning, note?: string): string {
  const title =
    mode === 'extreme' ? '🚀 EXTREME MODE MONITOR STARTED' : '🚀 UPTIME MONITOR STARTED (normal mode)';
  const targets = Object.values(config.services).map((s) => {
    const how = s.recovery
      ? `recovery: ${s.recovery.provider} (${s.recovery.actions.join(' → ')})`
      : 'no recovery configured';
    return `   • ${s.name} — ${s.url} — ${how}`;
  });
  return [
    title,
    `⚡ Check interval: ${formatDuration(tuning.healthCheckInterval)}`,
    `🎯 Targets (${targets.length}):`,
    ...targets,
    `💥 Down after: ${tuning.maxConsecutiveFailures} failed check(s), confirmed by an immediate re-probe`,
    `🐢 Slow above: ${formatDuration(tuning.slowResponseThreshold)} · degraded after ${tuning.degradationThreshold} slow or worsening answers`,
    `🔄 Parallel recovery: ${onOff(tuning.parallelRecovery)}`,
    `🔮 Predictive restart: ${onOff(tuning.predictiveRestart)}`,
    `⏱️  Restart attempt delay: ${formatDuration(tuning.restartAttemptDelay)} · budget ${tuning.restartBudget} per ${formatDuration(tuning.restartWindow)}`,
    ...(note ? [note] : []),
    `📄 Config: ${config.source}`,
  ].join('\n');
}

/** Options of {@link formatEvent}. */
export interface EventFormat {
  /** Also print healthy checks (the demo); otherwise only failures and slow answers. */
  verbose?: boolean;
  /** Time for events without their own `at`. */
  now: () => number;
}

/**
 * One engine event as a concise, timestamped log line (🔍 failed check, 🔴 down, 🟢 recovered, 🔧 restart,
 * 🔮 predictive restart, 🆘 escalation), or undefined when it is not worth a line.
 */
export function formatEvent(event: EngineEvent, config: Config, options: EventFormat): string | undefined {
  const name = (service?: string) => (service ? (config.services[service]?.name ?? service) : 'engine');
  const line = (at: number, text: string) => `[${stamp(at)}] ${text}`;
  switch (event.type) {
    case 'check':
    case 'status':
      return formatHealth(event, name(event.service), options);
    case 'recovery-start': {
      const icon =
        event.trigger === 'predictive' ? '🔮 Predictive' : event.trigger === 'command' ? '🔧 Manual' : '🔧';
      return line(event.at, `${icon} ${event.action} of ${name(event.service)} — ${event.reason}`);
    }
    case 'recovery-end': {
      const a = event.attempt;
      const result = a.healthy ? 'healthy again' : a.providerOk ? 'provider OK but NOT healthy' : 'FAILED';
      const icon = a.healthy ? '🔧' : '❌';
      const detail = a.detail.trim().split('\n').join('\n           ');
      return line(
        a.at + a.durationMs,
        `${icon} ${a.action} of ${name(event.service)}: ${result} after ${formatDuration(a.durationMs)} — ${detail}`,
      );
    }
    case 'escalated':
      return line(event.at, `🆘 ${name(event.service)}: recovery handed to humans — ${event.reason}`);
    case 'burn':
      return line(event.at, `🔥 ${event.reason}`);
    case 'waiting':
      return line(
        options.now(),
        `⏳ ${name(event.service)}: ${event.reason} (next attempt at ${stamp(event.nextAttemptAt)})`,
      );
    case 'skipped':
      return line(options.now(), `⏸️  ${name(event.service)}: ${event.reason}`);
    case 'incident-opened':
      return line(
        options.now(),
        `📋 ${name(event.service)}: incident #${event.number} opened${event.url ? ` ${event.url}` : ''}`,
      );
    case 'incident-resolved':
      return line(
        options.now(),
        `📋 ${name(event.service)}: incident #${event.number} resolved after ${formatDuration(event.durationMs)}`,
      );
    case 'error':
      return line(options.now(), `⚠️  ${event.service ? `${name(event.service)}: ` : ''}${event.message}`);
  }
}

/** A check's answer and a status change, as log lines (a healthy check only in verbose mode). */
function formatHealth(
  event: Extract<EngineEvent, { type: 'check' | 'status' }>,
  name: string,
  options: EventFormat,
): string | undefined {
  const line = (at: number, text: string) => `[${stamp(at)}] ${text}`;
  if (event.type === 'check') {
    const r = event.result;
    if (!r.ok)
      return line(
        r.at,
        `🔍 ${name}: check ${r.confirm ? 'confirmed failing' : 'failed'} — ${r.error ?? r.kind}`,
      );
    if (event.health.status === 'slow' || event.health.status === 'degraded')
      return line(r.at, `🐢 ${name}: ${r.responseMs}ms (${event.health.status})`);
    return options.verbose ? line(r.at, `✅ ${name}: ${r.responseMs}ms`) : undefined;
  }
  const icon = { up: '🟢', down: '🔴', degraded: '🟠', slow: '🐢', unknown: '❔' }[event.to];
  // A slow answer already has its own line (the check); a first "up" only matters in verbose mode.
  if (event.to === 'slow') return undefined;
  if (event.to === 'up' && (event.from === 'unknown' || event.from === 'slow'))
    return options.verbose ? line(event.at, `${icon} ${name} is up — ${event.reason}`) : undefined;
  const verb = event.to === 'up' ? 'RECOVERED' : event.to.toUpperCase();
  return line(event.at, `${icon} ${name} is ${verb} — ${event.reason}`);
}
