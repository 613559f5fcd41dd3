import * as z from 'zod/mini';

/**
 * Durations in the config are milliseconds (numbers) or strings such as `500ms`, `5s`, `2m`, `1h`, `1d`,
 * or combinations like `1m30s`.
 */
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const WHOLE = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d))+$/;

/** Parses `5s`, `2m`, `1m30s`, `250ms` or a number of milliseconds. Returns undefined when it is not a duration. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value : undefined;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase().replace(/\s+/g, '');
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text);
  if (!WHOLE.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(PART)) total += Number(amount) * UNIT_MS[unit];
  return Math.round(total);
}

/** Formats milliseconds the way people read them: `850ms`, `12s`, `1m 32s`, `2h 5m`, `3d 4h`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  const sign = ms < 0 ? '-' : '';
  ms = Math.abs(Math.round(ms));
  if (ms < 1000) return `${sign}${ms}ms`;
  if (ms < 10_000) return `${sign}${(ms / 1000).toFixed(1).replace(/\.0$/, '')}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${sign}${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${sign}${m}m${s % 60 ? ` ${s % 60}s` : ''}`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${sign}${h}h${m % 60 ? ` ${m % 60}m` : ''}`;
  const d = Math.floor(h / 24);
  return `${sign}${d}d${h % 24 ? ` ${h % 24}h` : ''}`;
}

const durationMessage =
  'is not a duration. Use milliseconds (5000) or a string like "500ms", "5s", "2m", "1h".';

/** A config key in milliseconds, from a number or a string like `5s`; `min`/`max` in ms. */
export const duration = (opts: { min?: number; max?: number } = {}) =>
  z.pipe(
    z.union([z.number(), z.string()], { error: `must be a duration; ${durationMessage}` }),
    z.transform((value: number | string, ctx) => {
      const problem = (message: string) => {
        ctx.issues.push({ code: 'custom', message, input: value });
        return z.NEVER;
      };
      const ms = parseDuration(value);
      if (ms === undefined) return problem(`${JSON.stringify(value)} ${durationMessage}`);
      if (opts.min !== undefined && ms < opts.min) {
        // A bare number is milliseconds (docs/configuration.md): `timeout: 10` is 10 ms, almost always meant as seconds.
        const hint =
          typeof value === 'number'
            ? ` ${value} means ${value} ms; write "${value}s" if you meant seconds.`
            : '';
        return problem(`${JSON.stringify(value)} is too short; the minimum is ${opts.min}ms.${hint}`);
      }
      if (opts.max !== undefined && ms > opts.max)
        return problem(`${JSON.stringify(value)} is too long; the maximum is ${opts.max}ms.`);
      return ms;
    }),
  );
