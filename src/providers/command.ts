/**
 * The `command` provider: runs `recovery.restart` / `recovery.redeploy` in a shell (e.g.
 * `systemctl restart api`, `docker restart api`, `pm2 restart api`). Success is exit code 0. On timeout
 * the whole process group is killed, so a hung `docker` never outlives the run; a command that exited is
 * done, and what it started in the background (`node server.mjs &`) is left running (docs/providers/command.md).
 */
import { codeOf } from '../util/fields.js';
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { access } from 'node:fs/promises';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import * as z from 'zod/mini';
import { type RecoveryAction, defineProvider, envName, nonEmpty, recoveryActions } from './descriptor.js';
import { duration } from '../util/duration.js';
import { makeRedactor, secretValues } from '../util/secrets.js';
import type { ActionResult, DoctorCheck, Provider, ProviderContext, ProviderService } from './types.js';
import { formatMs, providerError, type CallSite } from './http.js';

/** Bytes of stdout+stderr kept in `ActionResult.output` (the end, where errors are). */
export const OUTPUT_LIMIT = 2048;
/** After SIGTERM on timeout, SIGKILL follows after this long (ms). */
const KILL_GRACE_MS = 2000;

export interface CommandRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  output: string;
  durationMs: number;
}

/**
 * After the shell exited, how long its output may still arrive before we stop waiting for the pipes to close
 * (a process it started in the background, `node server.mjs &`, holds them open for its whole life).
 */
const OUTPUT_DRAIN_MS = 200;

/** Keeps the last OUTPUT_LIMIT bytes of the child's output until `end()`, which returns them as text. */
function outputTail(child: ChildProcessByStdio<null, Readable, Readable>): { end(): string } {
  let tail = Buffer.alloc(0);
  let collecting = true;
  const keep = (chunk: Buffer) => {
    if (!collecting) return;
    tail = Buffer.concat([tail, chunk]);
    if (tail.length > OUTPUT_LIMIT * 2) tail = tail.subarray(tail.length - OUTPUT_LIMIT);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  return {
    end() {
      collecting = false;
      // Pipes still held by a background process: keep draining them, but never keep this process alive.
      // They are sockets (net.Socket) when stdio is 'pipe'; Readable, their declared type, has no unref.
      for (const stream of [child.stdout, child.stderr]) if (stream instanceof Socket) stream.unref();
      child.unref();
      return tail.subarray(Math.max(0, tail.length - OUTPUT_LIMIT)).toString('utf8');
    },
  };
}

/** Signals the command's whole process group; a group already gone is what we wanted. */
function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  try {
    if (pid) process.kill(-pid, signal);
  } catch (error: unknown) {
    if (codeOf(error) !== 'ESRCH') throw error;
  }
}

/**
 * Runs one shell command in its own process group; never rejects for a failing command, only for spawn errors.
 * It is done when the shell exits, not when every holder of its output pipes has closed them: a server the
 * command started in the background (`node server.mjs &`) keeps running, is never killed with the group, and
 * its output is read and dropped for as long as this process lives, so it never blocks on a full pipe.
 */
export function runCommand(
  command: string,
  options: { cwd?: string; timeoutMs: number; env: NodeJS.ProcessEnv; signal?: AbortSignal },
): Promise<CommandRun> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(command, {
      shell: true,
      cwd: options.cwd,
      env: options.env,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output = outputTail(child);
    let timedOut = false;
    let killTimer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let settled = false;
    const killGroup = (signal: NodeJS.Signals) => signalGroup(child.pid, signal);
    const stop = () => {
      killGroup('SIGTERM');
      killTimer = setTimeout(() => killGroup('SIGKILL'), KILL_GRACE_MS);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, options.timeoutMs);
    options.signal?.addEventListener('abort', stop, { once: true });
    child.on('error', (error) => {
      clearTimeout(timer);
      clearTimeout(killTimer);
      settled = true;
      reject(error);
    });
    const finish = (exitCode: number | null, signal: NodeJS.Signals | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(killTimer);
      clearTimeout(drainTimer);
      options.signal?.removeEventListener('abort', stop);
      const text = output.end();
      resolve({ exitCode, signal, timedOut, output: text.trim(), durationMs: Date.now() - started });
    };
    child.on('exit', (exitCode, signal) => {
      // Output written just before the exit may still be in the pipes: wait for them briefly.
      drainTimer = setTimeout(() => finish(exitCode, signal), OUTPUT_DRAIN_MS);
      child.once('close', () => finish(exitCode, signal));
    });
  });
}

/** Runs the command; a command that cannot start at all is the provider's error, with the fix. */
async function start(
  command: string,
  options: Parameters<typeof runCommand>[1],
  site: CallSite,
  ctx: ProviderContext,
): Promise<CommandRun> {
  try {
    return await runCommand(command, options);
  } catch (error: unknown) {
    const cause = error instanceof Error ? error.message : String(error);
    throw providerError(
      site,
      `cannot start the command: ${cause}`,
      'Check recovery.cwd exists and a shell (/bin/sh) is available.',
      { env: ctx.env },
    );
  }
}

async function act(
  action: RecoveryAction,
  service: ProviderService,
  ctx: ProviderContext,
): Promise<ActionResult> {
  const site: CallSite = { service, provider: 'command', operation: action };
  const recovery = commandRecovery(service, site);
  const command = recovery[action];
  if (!command) {
    throw providerError(
      site,
      `no ${action} command configured`,
      `Add recovery.${action}, or drop ${action} from recovery.actions.`,
    );
  }
  const refused = (recovery.env ?? []).filter((name) => ctx.allowedEnv && !ctx.allowedEnv(name));
  if (refused.length) {
    throw providerError(
      site,
      `recovery.env names ${refused.join(', ')}, which this host does not let configs read`,
      `Ask the operator to add ${refused.join(', ')} to UPTIME_CONFIG_ENV, or drop it from recovery.env.`,
    );
  }
  const env = commandEnv(ctx.env, recovery.env);
  // The variables it was given may be secrets too: their values never come back in the output.
  const given = (recovery.env ?? []).map((name) => env[name]);
  const redact = makeRedactor(secretValues(ctx.env, given));
  const run = await start(
    command,
    { cwd: recovery.cwd, timeoutMs: recovery.timeout, env, signal: ctx.signal },
    site,
    ctx,
  );
  const output = redact(run.output);
  const took = formatMs(run.durationMs);
  if (run.timedOut) {
    return {
      ok: false,
      detail: `\`${redact(command)}\` timed out after ${formatMs(recovery.timeout)}; its process group was killed`,
      output,
    };
  }
  if (run.exitCode === 0) return { ok: true, detail: `\`${redact(command)}\` exited 0 (${took})`, output };
  const how = run.exitCode === null ? `was killed by ${run.signal}` : `exited ${run.exitCode}`;
  return { ok: false, detail: `\`${redact(command)}\` ${how} (${took})`, output };
}

/** The command provider. */
export const commandProvider: Provider = {
  type: 'command',
  restart: (service, ctx) => act('restart', service, ctx),
  redeploy: (service, ctx) => act('redeploy', service, ctx),
  rollback: (service, ctx) => act('rollback', service, ctx),
  async doctor(service, ctx) {
    const site: CallSite = { service, provider: 'command', operation: 'doctor' };
    const recovery = commandRecovery(service, site);
    const checks: DoctorCheck[] = [];
    if (recovery.cwd) {
      const ok = await access(recovery.cwd).then(
        () => true,
        () => false,
      );
      checks.push(
        ok
          ? { check: 'cwd exists', ok, detail: recovery.cwd }
          : { check: 'cwd exists', ok, detail: `${recovery.cwd} not found`, fix: 'Fix recovery.cwd.' },
      );
    }
    for (const [key, command] of [
      ['restart', recovery.restart],
      ['redeploy', recovery.redeploy],
      ['rollback', recovery.rollback],
    ] as const) {
      if (!command) continue;
      const program = command.trim().split(/\s+/)[0];
      // `command -v` only looks the program up; nothing is run.
      const found = await runCommand(`command -v ${shellQuote(program)}`, {
        timeoutMs: 5000,
        env: commandEnv(ctx.env, recovery.env),
        cwd: checks[0]?.ok === false ? undefined : recovery.cwd,
      });
      checks.push(
        found.exitCode === 0
          ? { check: `${key} command found`, ok: true, detail: `${program} → ${found.output.split('\n')[0]}` }
          : {
              check: `${key} command found`,
              ok: false,
              detail: `${program} is not on PATH`,
              fix: `Install ${program} or use its full path in recovery.${key}.`,
            },
      );
    }
    return checks;
  },
};

function commandRecovery(service: ProviderService, site: CallSite) {
  if (service.recovery?.provider !== 'command') {
    throw providerError(
      site,
      'not a command service',
      'Set recovery.provider: command and recovery.restart.',
    );
  }
  return service.recovery;
}

/** Always passed (the shell needs them); anything else only when `recovery.env` names it. */
export const COMMAND_BASE_ENV = ['PATH', 'HOME'] as const;

/**
 * The environment a command runs with: PATH, HOME and the variables `recovery.env` names — never the
 * whole environment, so a config's command cannot read the tokens of the host (docs/security.md).
 */
export function commandEnv(env: NodeJS.ProcessEnv, names: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of [...COMMAND_BASE_ENV, ...names]) {
    const value = Object.hasOwn(env, name) ? env[name] : undefined;
    if (value !== undefined) out[name] = value;
  }
  return out;
}

function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The command descriptor: `recovery: { provider: command, restart, redeploy?, rollback?, cwd?, env?, timeout? }`. */
export const command = defineProvider({
  type: 'command',
  displayName: 'Command',
  configSchema: z.strictObject({
    provider: z.literal('command'),
    /** Shell command that restarts the service, e.g. `systemctl restart api`. */
    restart: nonEmpty,
    /** Shell command that redeploys it (optional; without it the ladder is restart only). */
    redeploy: z.optional(nonEmpty),
    /** Shell command that rolls back to the previous release (optional). */
    rollback: z.optional(nonEmpty),
    cwd: z.optional(nonEmpty),
    /** Variables passed to the command besides PATH and HOME (it never gets the whole environment). */
    env: z.optional(z.array(envName)),
    timeout: z._default(duration({ min: 100, max: 3_600_000 }), 60_000),
    actions: z.optional(recoveryActions),
  }),
  defaultActions: (recovery) => (recovery.redeploy ? ['restart', 'redeploy'] : ['restart']),
  secretEnv: [],
  hints: { cwd: 'Check recovery.cwd exists and a shell (/bin/sh) is available.' },
  create: () => commandProvider,
});
