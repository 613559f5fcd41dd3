/**
 * Log lines on their way into an incident: the shared `redactLogLine` (src/util/redact.ts), the one list of
 * credential shapes (bearer tokens, keys, JWTs, URL passwords, `secret=value` pairs) to extend.
 */
import { redactLogLine as sharedRedactLogLine } from '../util/redact.js';

/** One log line with bearer tokens, keys, JWTs, URL passwords and `secret=value` pairs replaced by `***`. */
export function redactLogLine(line: string): string {
  return sharedRedactLogLine(line);
}
