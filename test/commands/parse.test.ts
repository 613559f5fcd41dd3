import { describe, expect, it } from '@jest/globals';
import { parseCommand } from '../../src/commands/parse.js';

const ok = (body: string) => {
  const r = parseCommand(body);
  if (!r || !r.ok)
    throw new Error(`expected a command from ${JSON.stringify(body)}, got ${JSON.stringify(r)}`);
  return r.command;
};
const error = (body: string) => {
  const r = parseCommand(body);
  if (!r || r.ok) throw new Error(`expected an error from ${JSON.stringify(body)}, got ${JSON.stringify(r)}`);
  return r.error;
};

describe('parseCommand', () => {
  it('reads every command of the table', () => {
    expect(ok('/status')).toEqual({ name: 'status' });
    expect(ok('/status coqui')).toEqual({ name: 'status', service: 'coqui' });
    expect(ok('/restart coqui')).toEqual({ name: 'restart', service: 'coqui', dryRun: false });
    expect(ok('/redeploy backend --dry-run')).toEqual({ name: 'redeploy', service: 'backend', dryRun: true });
    expect(ok('/mode extreme')).toEqual({ name: 'mode', mode: 'extreme' });
    expect(ok('/pause coqui')).toEqual({ name: 'pause', service: 'coqui' });
    expect(ok('/pause coqui 2h')).toEqual({ name: 'pause', service: 'coqui', durationMs: 7_200_000 });
    expect(ok('/resume coqui')).toEqual({ name: 'resume', service: 'coqui' });
    expect(ok('/ack')).toEqual({ name: 'ack' });
    expect(ok('/help')).toEqual({ name: 'help' });
  });

  it('takes the verb case-insensitively and the flag anywhere', () => {
    expect(ok('/RESTART coqui')).toEqual({ name: 'restart', service: 'coqui', dryRun: false });
    expect(ok('/Restart --DRY-RUN coqui')).toEqual({ name: 'restart', service: 'coqui', dryRun: true });
    expect(ok('/mode EXTREME')).toEqual({ name: 'mode', mode: 'extreme' });
  });

  it('reads only the first line, after leading blank lines', () => {
    expect(ok('\n\n  /restart coqui  \nit fell over again, see logs\n/mode normal')).toEqual({
      name: 'restart',
      service: 'coqui',
      dryRun: false,
    });
    expect(parseCommand('please run\n/restart coqui')).toBeNull();
  });

  it('returns null for ordinary comments and paths', () => {
    expect(parseCommand('LGTM')).toBeNull();
    expect(parseCommand('')).toBeNull();
    expect(parseCommand('/usr/bin/env node is missing')).toBeNull();
    expect(parseCommand('/ 2 is a division')).toBeNull();
    expect(parseCommand('restart coqui')).toBeNull();
  });

  it('answers an unknown verb with the short help', () => {
    const e = error('/reboot coqui');
    expect(e).toContain('`/reboot` is not a command');
    expect(e).toContain('`/restart`');
    expect(e).toContain('`/help`');
  });

  it('answers missing and extra arguments with the usage', () => {
    expect(error('/restart')).toBe(
      '`/restart` needs a service. Usage: `/restart <service> [--dry-run] [--force]`',
    );
    expect(error('/mode')).toContain('needs a mode');
    expect(error('/restart coqui backend')).toContain('`backend`');
    expect(error('/restart coqui backend')).toContain('Usage: `/restart <service> [--dry-run] [--force]`');
    expect(error('/ack now')).toContain('Usage: `/ack`');
    expect(error('/resume')).toContain('Usage: `/resume <service>`');
  });

  it('refuses unknown flags, bad modes and bad durations', () => {
    expect(error('/restart coqui --now')).toContain(
      'does not know the flag `--now`; it accepts --dry-run, --force',
    );
    expect(error('/pause coqui --force')).toContain('takes no flags');
    expect(error('/mode turbo')).toContain('`turbo` is not a mode; use normal or extreme');
    expect(error('/pause coqui 30')).toContain('has no unit');
    expect(error('/pause coqui soon')).toContain('`soon` is not a duration');
    expect(error('/pause coqui 90d')).toContain('longer than 30d');
    expect(error('/status --dry-run')).toContain('takes no flags');
  });

  it('--force on a recovery command, with the lines under it as the reason', () => {
    expect(parseCommand('/restart coqui --force')).toMatchObject({
      ok: true,
      command: { name: 'restart', service: 'coqui', dryRun: false, force: true },
    });
    const withReason = parseCommand(
      '/rollback coqui --force\nthe deploy at 12:00 broke logins;\n  customers waiting',
    );
    expect(withReason).toMatchObject({
      ok: true,
      command: {
        name: 'rollback',
        force: true,
        reason: 'the deploy at 12:00 broke logins; customers waiting',
      },
    });
    // Without --force, later lines are just a comment.
    expect(parseCommand('/restart coqui\nplease')).toEqual({
      ok: true,
      command: { name: 'restart', service: 'coqui', dryRun: false },
      text: '/restart coqui',
    });
  });

  it('keeps the typed line for the audit log', () => {
    expect(parseCommand('  /restart coqui --dry-run\nwhy')).toMatchObject({
      text: '/restart coqui --dry-run',
    });
  });
});
