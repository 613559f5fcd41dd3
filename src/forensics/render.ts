import { deployRelation } from '../recovery/rollback.js';
import type { Deployment } from '../providers/types.js';
import { formatDuration } from '../util/duration.js';
import { neutralize } from '../util/redact.js';
import { redactLogLine } from '../util/redact.js';
import type { Forensics } from './types.js';

/** At most this many log lines and bytes of them in an incident. */
export const MAX_LOG_LINES = 60;
export const MAX_LOG_BYTES = 8 * 1024;
const MAX_LINE_CHARS = 400;

export interface RenderOptions {
  rollbackWindowMs: number;
  /** The shared redactor (src/util/redact.ts `createRedactor`); the incident log applies it again. */
  redact?: (text: string) => string;
}

// eslint-disable-next-line no-control-regex
const CONTROL = /\u001b\[[0-9;?]*[A-Za-z]|[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** One log line made safe: control characters and ANSI colours gone, secrets redacted, bounded. */
function safeLine(line: string, redact: (text: string) => string): string {
  // Angle brackets become look-alikes: no log line can end the <details> section, even where Markdown is not parsed.
  const clean = redactLogLine(redact(line.replace(/\r?\n/g, ' ').replace(CONTROL, ''))).replace(
    /[<>]/g,
    (c) => (c === '<' ? '‹' : '›'),
  );
  return clean.length > MAX_LINE_CHARS ? `${clean.slice(0, MAX_LINE_CHARS - 1)}…` : clean;
}

/** The last lines that fit both bounds, oldest first. */
function bounded(lines: string[]): { kept: string[]; dropped: number } {
  const kept: string[] = [];
  let bytes = 0;
  for (let i = lines.length - 1; i >= 0 && kept.length < MAX_LOG_LINES; i--) {
    const size = Buffer.byteLength(lines[i]) + 1;
    if (bytes + size > MAX_LOG_BYTES) break;
    bytes += size;
    kept.unshift(lines[i]);
  }
  return { kept, dropped: lines.length - kept.length };
}

/** A fence longer than any backtick run inside, so no log line can close the block. */
function fence(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  return '`'.repeat(Math.max(3, longest + 1));
}

function describe(d: Deployment, outageStart: number, redact: (text: string) => string): string {
  const at = Date.parse(d.createdAt);
  const when = Number.isFinite(at)
    ? at <= outageStart
      ? `${formatDuration(outageStart - at)} before the outage began`
      : `${formatDuration(at - outageStart)} after the outage began`
    : 'at an unknown time';
  const commit = d.commitSha
    ? `, commit \`${neutralize(redact(d.commitSha.slice(0, 12)))}\`${d.commitMessage ? ` “${neutralize(redact(d.commitMessage.split('\n')[0].slice(0, 120)))}”` : ''}`
    : '';
  return `\`${neutralize(redact(d.id.slice(0, 64)))}\` (${neutralize(redact(d.status.slice(0, 30)))}), ${when}${commit}`;
}

/**
 * The incident's collapsed forensics section: the latest and previous successful deployments, whether the outage
 * followed a deploy within `rollbackWindow`, a predictive restart's response-time trend, what the platform could
 * not give, and the last log lines (redacted, neutralised, at most 60 lines and 8 KB) in a fenced block.
 */
export function renderForensics(f: Forensics, options: RenderOptions): string {
  const redact = options.redact ?? ((t: string) => t);
  const lines: string[] = [];
  const relation = deployRelation(f.latest, f.outageStart, options.rollbackWindowMs);
  let summary = 'Forensics';
  if (f.latest) lines.push(`- Latest deployment: ${describe(f.latest, f.outageStart, redact)}`);
  if (f.previousSuccessful)
    lines.push(`- Previous successful deployment: ${describe(f.previousSuccessful, f.outageStart, redact)}`);
  if (relation?.withinWindow) {
    const id = neutralize(redact(relation.deployment.id.slice(0, 64)));
    lines.push(
      `- **This outage began ${formatDuration(relation.gapMs)} after deploy \`${id}\`** (within rollbackWindow, ${formatDuration(options.rollbackWindowMs)}).`,
    );
    summary = `Forensics: the outage began ${formatDuration(relation.gapMs)} after a deploy`;
  } else if (relation && relation.gapMs >= 0) {
    lines.push(
      `- The outage began ${formatDuration(relation.gapMs)} after the last deploy (outside rollbackWindow, ${formatDuration(options.rollbackWindowMs)}).`,
    );
  }
  if (f.trend?.length)
    lines.push(
      `- Response-time trend before the predictive restart: ${f.trend.map((ms) => `${Math.round(ms)} ms`).join(' → ')}`,
    );
  for (const note of f.notes) lines.push(`- ${neutralize(redact(note))}`);
  if (f.logs) {
    const all = f.logs.map((l) =>
      safeLine(
        `${l.timestamp ? `${l.timestamp} ` : ''}${l.severity ? `${l.severity} ` : ''}${l.message}`,
        redact,
      ),
    );
    const { kept, dropped } = bounded(all);
    if (kept.length === 0) lines.push('- No log lines before detection.');
    else {
      const text = kept.join('\n');
      const f3 = fence(text);
      lines.push(
        '',
        `Last ${kept.length} log line${kept.length === 1 ? '' : 's'} before detection${dropped ? ` (${dropped} older left out)` : ''}, redacted:`,
        '',
        `${f3}text`,
        text,
        f3,
      );
    }
  }
  if (lines.length === 0) lines.push('- The platform gave nothing.');
  return `<details><summary>${summary}</summary>\n\n${lines.join('\n')}\n\n</details>`;
}
