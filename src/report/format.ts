import { formatDuration } from '../util/duration.js';
import type { StatusRow } from './rows.js';
import type { ErrorBudget } from './uptime.js';

/** Shown wherever there is no data yet (never `NaN`). */
export const NONE = '—';

/** The emoji of each status, as the seed's dashboard used them. */
export const STATUS_EMOJI: Record<StatusRow['status'], string> = {
  up: '🟢',
  slow: '🟡',
  degraded: '🟠',
  down: '🔴',
  unknown: '⚪',
  paused: '⏸',
};

/** `up`, `down`, ... `failing` for a failed check not yet counted as down, `not checked yet` for a service never checked. */
export function statusWord(status: StatusRow['status'], failing = false): string {
  if (failing) return 'failing';
  return status === 'unknown' ? 'not checked yet' : status;
}

/** The emoji of a row: 🔴 for a failing check whatever the health status says. */
export function rowEmoji(row: Pick<StatusRow, 'status' | 'failing'>): string {
  return row.failing ? STATUS_EMOJI.down : STATUS_EMOJI[row.status];
}

/** `99.95%`, `100%`; rounded down so 99.999 never shows as 100. */
/**
 * `99.9%`, `97.5%`, `100%` (floored to two decimals, trailing zeros dropped): the one format of a percentage,
 * on the site, the badges, the job summary and the terminal alike.
 */
export function formatPercent(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return NONE;
  if (value >= 100) return '100%';
  const floored = Math.floor(value * 100) / 100;
  return `${floored.toFixed(2).replace(/\.?0+$/, '')}%`;
}

export function formatMs(value: number | undefined): string {
  return value === undefined || !Number.isFinite(value) ? NONE : `${Math.round(value)}ms`;
}

/** `120ms (avg 110ms)`, or `—`. */
export function formatResponse(row: StatusRow): string {
  if (row.lastResponseMs === undefined && row.averageResponseMs === undefined) return NONE;
  const avg = row.averageResponseMs === undefined ? '' : ` (avg ${formatMs(row.averageResponseMs)})`;
  return `${formatMs(row.lastResponseMs)}${avg}`;
}

/** `1999/2000 ok`, or `—` before the first check. */
export function formatChecks(row: StatusRow): string {
  return row.checksTotal === 0 ? NONE : `${row.checksOk}/${row.checksTotal} ok`;
}

/** `restart 2h ago, took 32s → ✅ healthy` (with the trigger and who asked when relevant). */
export function formatLastRepair(row: StatusRow): string {
  const last = row.lastRepair;
  if (!last) return NONE;
  const why =
    last.trigger === 'predictive'
      ? ' (predictive)'
      : last.trigger === 'command' && last.by
        ? ` by @${last.by}`
        : '';
  let result: string;
  if (last.healthy) result = '✅ healthy';
  else if (last.providerOk) result = '❌ still unhealthy';
  else result = `❌ failed${last.detail ? `: ${oneLine(last.detail, 80)}` : ''}`;
  return `${last.action}${why} ${formatDuration(last.agoMs)} ago, took ${formatDuration(last.durationMs)} → ${result}`;
}

/**
 * `72% left (31m of 43m used)`, `exhausted (1h 5m of 43m used)`; counted in checks before any time was
 * watched: `exhausted (1 failed check; 0.01 allowed so far)`.
 */
export function formatBudget(budget: ErrorBudget | undefined): string {
  if (!budget) return NONE;
  const round = (n: number) => Math.round(n * 100) / 100;
  const usedOf =
    budget.basis === 'time'
      ? `${formatDuration(budget.used)} of ${formatDuration(budget.allowed)} used`
      : `${round(budget.used)} failed check${round(budget.used) === 1 ? '' : 's'}; ${round(budget.allowed)} allowed so far`;
  if (budget.exhausted) return `exhausted (${usedOf})`;
  return `${Math.max(0, Math.floor(budget.remainingPercent))}% left (${usedOf})`;
}

/** `2026-01-10 12:00:00 UTC`. */
export function formatTimestamp(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/** What follows the status word: the failure reason, how long, or the end of a pause. */
export function statusDetail(row: StatusRow, now: number): string {
  if (row.status === 'paused') {
    const until =
      row.pausedUntil === undefined ? 'until /resume' : `for ${formatDuration(row.pausedUntil - now)} more`;
    return `${until}${row.pausedBy ? `, by @${row.pausedBy}` : ''}`;
  }
  const parts: string[] = [];
  if ((row.failing || (row.status !== 'up' && row.status !== 'unknown')) && row.lastError)
    parts.push(oneLine(row.lastError, 80));
  if (row.status !== 'unknown' && row.since !== undefined && row.status !== 'up') {
    parts.push(`for ${formatDuration(now - row.since)}`);
  }
  // Certificates: said when they need attention (degraded or worse); the site shows the days left always.
  if (row.certDaysLeft !== undefined && row.status !== 'up')
    parts.push(`certificate: ${row.certDaysLeft} day${row.certDaysLeft === 1 ? '' : 's'} left`);
  return parts.join(', ');
}

export function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
