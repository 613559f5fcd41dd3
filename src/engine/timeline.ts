import type { ServiceConfig } from '../config/schema.js';
import type { ProbeResult } from '../probe/types.js';
import type { RecoveryAttempt } from '../state/types.js';
import { formatDuration } from '../util/duration.js';
import { gitHubFence, gitHubMarkdown, MAX_NAME, MAX_REASON, plainText } from '../util/escape.js';
import { displayUrl } from '../util/redact.js';

/** The incident issue's text: Markdown for people reading the audit log. */

const iso = (at: number) => new Date(at).toISOString().replace(/\.\d+Z$/, 'Z');
/** A service's name as Markdown: shortened, escaped (no HTML, mentions, references or images). */
const md = (name: string) => gitHubMarkdown(plainText(name, MAX_NAME));
/** A reason or an endpoint's answer as Markdown. */
const mdReason = (text: string) => gitHubMarkdown(plainText(text, MAX_REASON));

export function openedBody(
  service: ServiceConfig,
  kind: 'down' | 'degraded',
  probe: ProbeResult | undefined,
  reason: string,
  at: number,
): string {
  const lines = [
    `**${md(service.name)}** (\`${service.id}\`) ${kind === 'down' ? 'is down' : 'is degraded'} since ${iso(at)}.`,
    '',
    // The URL without credentials or query (a `?token=` stays out); the reason may quote an endpoint: inert.
    `- Health URL: ${displayUrl(service.url)}`,
    `- Reason: ${mdReason(reason)}`,
  ];
  if (probe?.status !== undefined) lines.push(`- Last answer: HTTP ${probe.status} in ${probe.responseMs}ms`);
  if (probe?.platformEvent) lines.push(`- Platform event: ${mdReason(probe.platformEvent)}`);
  lines.push(
    `- Recovery: ${service.recovery ? `${service.recovery.provider} (${service.recovery.actions.join(' → ')})` : 'none configured'}`,
  );
  lines.push(
    '',
    '_Opened by uptime-action. Timeline below; commands: `/restart ' +
      service.id +
      '`, `/ack`, `/pause ' +
      service.id +
      ' 1h`._',
  );
  return lines.join('\n');
}

export function attemptComment(service: ServiceConfig, attempt: RecoveryAttempt): string {
  const icon = attempt.healthy ? '✅' : '❌';
  const who = attempt.by
    ? ` (asked by @${attempt.by}${attempt.forced ? `, ${mdReason(attempt.forced)}` : ''})`
    : attempt.trigger === 'predictive'
      ? ' (predictive)'
      : '';
  const result = attempt.healthy
    ? `healthy again after ${formatDuration(attempt.durationMs)}`
    : attempt.providerOk
      ? `not healthy after ${formatDuration(attempt.durationMs)}`
      : `failed after ${formatDuration(attempt.durationMs)}`;
  const detail = attempt.detail.split('\n');
  const lines = [
    `${icon} **${attempt.action}**${who} of ${md(service.name)} at ${iso(attempt.at)}: ${result}.`,
    '',
    `> ${mdReason(detail[0] ?? '')}`,
  ];
  // Provider or command output, shown as it is inside a fence it cannot close.
  const output = gitHubFence(detail.slice(1).join('\n').slice(-1500));
  if (detail.length > 1) lines.push('', output.fence, output.body, output.fence);
  return lines.join('\n');
}

export function escalationComment(
  service: ServiceConfig,
  reason: string,
  assignees: string[],
  acked?: string,
): string {
  const mention = acked
    ? `@${acked} owns this incident.`
    : assignees.length
      ? assignees.map((a) => `@${a}`).join(' ') + ' please take a look.'
      : 'Nobody is assigned (set `assignees:` in the config).';
  return `🆘 **Escalated to humans**: ${mdReason(reason)}. Automatic recovery has stopped for this incident. ${mention}`;
}

export function statusComment(
  service: ServiceConfig,
  from: string,
  to: string,
  reason: string,
  at: number,
): string {
  return `ℹ️ ${md(service.name)}: ${from} → **${to}** at ${iso(at)} (${mdReason(reason)}).`;
}

export function resolvedComment(service: ServiceConfig, durationMs: number, at: number): string {
  return `🟢 Resolved after ${formatDuration(durationMs)}: ${md(service.name)} answers healthy again (${iso(at)}).`;
}
