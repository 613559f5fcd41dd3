import type { Config, ServiceConfig } from '../config/schema.js';
import type { EngineDeps } from '../engine/types.js';
import type { IncidentLog } from '../incidents/types.js';
import type { StateStore } from '../state/types.js';
import type { Clock } from '../util/clock.js';
import { echo } from './echo.js';
import type { Command } from './parse.js';
import type { AccessLevel } from './permissions.js';

/** What every handler takes and gives (src/commands/handlers.ts runs them). */

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
  /** Scrubs secrets from what is written (the audit copy on the incident gets the reply's treatment). */
  redact?: (text: string) => string;
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

/** What one handler decided; `handleCommand` adds the audit line and the reaction. */
export interface HandlerResult {
  ok: boolean;
  reply: string;
  stateChanged: boolean;
  /** The service the command was about: its open incident gets the audit line. */
  service?: ServiceConfig;
  /** One phrase for the audit line, e.g. `restarted, healthy after 42s`. */
  summary: string;
}

/**
 * The config's service for a typed name: the exact key, else a case-insensitive match. Own keys only, so
 * `__proto__` or `constructor` are unknown names, not `Object.prototype`.
 */
export function findService(config: Config, name: string): ServiceConfig | undefined {
  if (Object.hasOwn(config.services, name)) return config.services[name];
  const lower = name.toLowerCase();
  return Object.entries(config.services).find(([key]) => key.toLowerCase() === lower)?.[1];
}

/** The refusal for a service the config does not name; lists the known ones. */
export function unknownService(config: Config, name: string): HandlerResult {
  const known = Object.keys(config.services)
    .map((k) => `\`${k}\``)
    .join(', ');
  return {
    ok: false,
    reply: `There is no service \`${echo(name, 40)}\` in ${config.source}. Known services: ${known}.`,
    stateChanged: false,
    summary: `refused (unknown service)`,
  };
}

/** `2026-01-01 12:00:05 UTC`. */
export function formatTime(at: number): string {
  return `${new Date(at).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}
