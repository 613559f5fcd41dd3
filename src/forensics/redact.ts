/**
 * Log lines on their way into an incident: the shared `redactLogLine` (src/util/redact.ts) first, then a few more
 * patterns kept here (defence in depth; the shared list is the one to extend).
 */
import { redactLogLine as sharedRedactLogLine } from '../util/redact.js';

const PATTERNS: Array<[RegExp, string]> = [
  // Authorization: Bearer <token> / Basic <creds>
  [/\b(Bearer|Basic|Token)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 ***'],
  // JSON Web Tokens (three base64url parts, the first starting with eyJ)
  [/\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}/g, '***'],
  // Passwords in URLs: scheme://user:password@host
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*):[^\s@/]+@/gi, '$1:***@'],
  // Well-known key shapes: GitHub, Slack, Stripe, AWS, OpenAI-like
  [/\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g, '***'],
  [/\bxox[abprs]-[A-Za-z0-9-]{10,}/g, '***'],
  [/\b(sk|pk|rk)_(live|test)_[A-Za-z0-9]{10,}/g, '***'],
  [/\bsk-[A-Za-z0-9_-]{16,}/g, '***'],
  [/\bAKIA[0-9A-Z]{16}\b/g, '***'],
  // key=value / "key": "value" for names that say secret
  [
    /\b([A-Za-z0-9_-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth)[A-Za-z0-9_-]*)(["']?\s*[:=]\s*["']?)(?!(?:Bearer|Basic|Token)\s|\*\*\*)([^\s"',;&]+)/gi,
    '$1$2***',
  ],
];

/** One log line with bearer tokens, keys, JWTs, URL passwords and `secret=value` pairs replaced by `***`. */
export function redactLogLine(line: string): string {
  let out = sharedRedactLogLine(line);
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}
