/**
 * What every provider does to platform log lines before they leave it (docs/recovery.md): each line through
 * `redactLogLine` (the shared redactor over the known secrets plus credential patterns), ordered oldest
 * first, only those before `before`, and at most `limit` of them (the newest).
 */
import { redactLogLine } from '../util/redact.js';
import { makeRedactor, secretValues } from '../util/secrets.js';
import type { LogLine, LogsOptions, ProviderContext } from './types.js';

/** Lines asked for when `LogsOptions.limit` is unset. */
export const DEFAULT_LOG_LINES = 50;
/** The most lines any provider asks a platform for. */
export const MAX_LOG_LINES = 500;

/** `options.limit` bounded to 1..MAX_LOG_LINES (default DEFAULT_LOG_LINES). */
export function logLimit(options: Pick<LogsOptions, 'limit'>): number {
  const wanted = options.limit ?? DEFAULT_LOG_LINES;
  return Math.max(1, Math.min(MAX_LOG_LINES, Math.floor(wanted) || DEFAULT_LOG_LINES));
}

/** Redacted, oldest first, before `options.before`, the last `logLimit(options)` lines. */
export function cleanLogLines(
  lines: LogLine[],
  ctx: Pick<ProviderContext, 'env'>,
  options: Pick<LogsOptions, 'limit' | 'before'>,
  secrets: string[] = [],
): LogLine[] {
  const redact = makeRedactor(secretValues(ctx.env, secrets));
  const before = options.before ? Date.parse(options.before) : NaN;
  const kept = lines
    .map((line, index) => ({ line, index, at: line.timestamp ? Date.parse(line.timestamp) : NaN }))
    .filter(({ at }) => Number.isNaN(before) || Number.isNaN(at) || at < before)
    // Stable: lines without a time (or with equal times) keep the platform's order.
    .sort((a, b) => (Number.isNaN(a.at) || Number.isNaN(b.at) ? 0 : a.at - b.at) || a.index - b.index)
    .slice(-logLimit(options));
  return kept.map(({ line }) => ({
    ...(line.timestamp ? { timestamp: line.timestamp } : {}),
    message: redactLogLine(line.message, redact),
    ...(line.severity ? { severity: line.severity } : {}),
  }));
}
