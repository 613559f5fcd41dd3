import { describe, expect, it } from '@jest/globals';
import { handleCommand, type TypedCommand } from '../../src/commands/handlers.js';
import { parseCommand } from '../../src/commands/parse.js';
import { emptyState } from '../../src/state/records.js';
import { fakeIncidents, handlerSetup } from './fixtures.js';

function typed(line: string): TypedCommand {
  const parsed = parseCommand(line);
  if (!parsed?.ok) throw new Error(`not a valid command: ${line}`);
  return { command: parsed.command, text: parsed.text };
}

describe('/restart and /redeploy', () => {
  it('restarts once, persists the attempt and says how long it took and that it is healthy', async () => {
    const { ctx, calls, store } = handlerSetup();
    const outcome = await handleCommand(typed('/restart coqui'), ctx());
    expect(calls).toEqual([{ op: 'restart', service: 'coqui' }]);
    expect(outcome).toMatchObject({ ok: true, reaction: 'rocket', stateChanged: true });
    expect(outcome.reply).toContain('Restarted **Coqui Voice Service** through webhook');
    expect(outcome.reply).toMatch(/answered healthy after 5s/);
    expect(outcome.reply).toContain('Audit: @alice ran `/restart coqui` at 2026-01-05 12:00:00 UTC');
    const state = await store.read();
    expect(state.services.coqui.attempts).toEqual([
      expect.objectContaining({ action: 'restart', trigger: 'command', by: 'alice', healthy: true }),
    ]);
  });

  it('reports a restart after which the service does not answer healthy as a failure', async () => {
    const { ctx, calls } = handlerSetup({ healthy: false });
    const outcome = await handleCommand(typed('/redeploy backend'), ctx());
    expect(calls).toEqual([{ op: 'redeploy', service: 'backend' }]);
    expect(outcome).toMatchObject({ ok: false, reaction: '-1', stateChanged: true });
    expect(outcome.reply).toContain('did **not** answer healthy');
  });

  it('--dry-run says what would happen and does nothing', async () => {
    const { ctx, calls, store } = handlerSetup();
    const outcome = await handleCommand(typed('/restart coqui --dry-run'), ctx());
    expect(calls).toEqual([]);
    expect(outcome).toMatchObject({ ok: true, reaction: 'rocket', stateChanged: false });
    expect(outcome.reply).toContain('Dry run: would restart Coqui Voice Service through webhook');
    expect(outcome.reply).toContain('Nothing was done.');
    expect(store.writes).toBe(0);
  });

  it('refuses unknown services and lists the known ones, calling nothing', async () => {
    const { ctx, calls } = handlerSetup();
    const outcome = await handleCommand(typed('/restart coquii'), ctx());
    expect(calls).toEqual([]);
    expect(outcome).toMatchObject({ ok: false, reaction: '-1', stateChanged: false });
    expect(outcome.reply).toContain(
      'There is no service `coquii` in test config. Known services: `backend`, `coqui`, `docs`.',
    );
  });

  it('refuses a service without recovery', async () => {
    const { ctx, calls } = handlerSetup();
    const outcome = await handleCommand(typed('/restart docs'), ctx());
    expect(calls).toEqual([]);
    expect(outcome.reply).toContain('has no `recovery:` section');
  });

  it('refuses a restart storm and says when the next restart is allowed', async () => {
    const { ctx, calls, clock } = handlerSetup();
    for (let i = 0; i < 3; i++) {
      await handleCommand(typed('/restart coqui'), ctx());
      clock.advance(3_600_000 / 4);
    }
    const outcome = await handleCommand(typed('/restart coqui'), ctx());
    expect(calls).toHaveLength(3);
    expect(outcome).toMatchObject({ ok: false, reaction: '-1', stateChanged: false });
    expect(outcome.reply).toContain('restart budget is used up');
    expect(outcome.reply).toMatch(/Next restart allowed in \d+m/);
  });

  it('refuses a paused service', async () => {
    const { ctx, calls } = handlerSetup({
      state: { ...emptyState(), pauses: { coqui: { at: 0, by: 'bob' } } },
    });
    const outcome = await handleCommand(typed('/restart coqui'), ctx());
    expect(calls).toEqual([]);
    expect(outcome.reply).toContain('paused');
  });
});

describe('audit log', () => {
  it('comments on the service’s open incident issue when there is one', async () => {
    const incidents = fakeIncidents({ coqui: { number: 42, openedAt: 0, kind: 'down' } });
    const { ctx } = handlerSetup({ incidents: incidents.log });
    const outcome = await handleCommand(typed('/restart coqui'), ctx('alice', { number: 7, labels: [] }));
    expect(incidents.comments).toHaveLength(1);
    expect(incidents.comments[0]).toMatchObject({ service: 'coqui', number: 42 });
    expect(incidents.comments[0].body).toContain(
      'Audit: @alice ran `/restart coqui` at 2026-01-05 12:00:00 UTC: restarted in 5s, healthy',
    );
    expect(outcome.reply).toContain('Recorded on incident #42');
    expect(outcome.reply).not.toContain('Audit:');
  });

  it('puts the audit line in the reply when the command is typed on the incident itself', async () => {
    const incidents = fakeIncidents({ coqui: { number: 42, openedAt: 0, kind: 'down' } });
    const { ctx } = handlerSetup({ incidents: incidents.log });
    const outcome = await handleCommand(typed('/pause coqui 1h'), ctx('alice', { number: 42, labels: [] }));
    expect(incidents.comments).toEqual([]);
    expect(outcome.reply).toContain('Audit: @alice ran `/pause coqui 1h`');
  });
});

describe('/mode, /pause, /resume', () => {
  it('/mode writes the shared state and says what changes', async () => {
    const { ctx, store } = handlerSetup();
    const outcome = await handleCommand(typed('/mode extreme'), ctx('root'));
    expect(outcome).toMatchObject({ ok: true, reaction: 'rocket', stateChanged: true });
    expect(outcome.reply).toContain('Mode is now **extreme** (was normal)');
    expect(outcome.reply).toContain('checks every 5s');
    const state = await store.read();
    expect(state).toMatchObject({ mode: 'extreme', modeSetBy: 'root' });
  });

  it('/pause with a duration sets a window; /resume ends it', async () => {
    const { ctx, store } = handlerSetup();
    const paused = await handleCommand(typed('/pause coqui 2h'), ctx('bob'));
    expect(paused.reply).toContain('Paused **Coqui Voice Service** until 2026-01-05 14:00:00 UTC (2h)');
    expect((await store.read()).pauses.coqui).toEqual({
      until: Date.UTC(2026, 0, 5, 14),
      by: 'bob',
      at: Date.UTC(2026, 0, 5, 12),
    });
    const resumed = await handleCommand(typed('/resume coqui'), ctx('bob'));
    expect(resumed).toMatchObject({ ok: true, stateChanged: true });
    expect((await store.read()).pauses).toEqual({});
    const again = await handleCommand(typed('/resume coqui'), ctx('bob'));
    expect(again).toMatchObject({ ok: true, stateChanged: false });
    expect(again.reply).toContain('was not paused');
  });

  it('/pause without a duration lasts until /resume', async () => {
    const { ctx, store } = handlerSetup();
    const outcome = await handleCommand(typed('/pause backend'), ctx());
    expect(outcome.reply).toContain('until `/resume`');
    expect((await store.read()).pauses.backend.until).toBeUndefined();
  });
});

describe('/ack', () => {
  it('records who owns the incident of this issue', async () => {
    const state = {
      ...emptyState(),
      incidents: { coqui: { number: 42, openedAt: 0, kind: 'down' as const } },
    };
    const { ctx, store } = handlerSetup({ state });
    const outcome = await handleCommand(
      typed('/ack'),
      ctx('carol', { number: 42, labels: ['incident', 'service:coqui'] }),
    );
    expect(outcome).toMatchObject({ ok: true, stateChanged: true });
    expect(outcome.reply).toContain('@carol owns this incident of **Coqui Voice Service**');
    expect((await store.read()).incidents.coqui.ackedBy).toBe('carol');
  });

  it('finds an incident the state does not know through its label and the incident log', async () => {
    const incidents = fakeIncidents({ backend: { number: 50, openedAt: 0, kind: 'down' } });
    const { ctx, store } = handlerSetup({ incidents: incidents.log });
    const outcome = await handleCommand(
      typed('/ack'),
      ctx('carol', { number: 50, labels: ['service:backend'] }),
    );
    expect(outcome.ok).toBe(true);
    expect((await store.read()).incidents.backend).toMatchObject({ number: 50, ackedBy: 'carol' });
  });

  it('refuses on an issue that is not an open incident', async () => {
    const { ctx, store } = handlerSetup();
    const outcome = await handleCommand(typed('/ack'), ctx('carol', { number: 3, labels: [] }));
    expect(outcome).toMatchObject({ ok: false, reaction: '-1', stateChanged: false });
    expect(outcome.reply).toContain('#3 is not one');
    expect(store.writes).toBe(0);
  });
});

describe('/help', () => {
  it('lists only what the commenter may run', async () => {
    const { ctx } = handlerSetup();
    const reader = await handleCommand(typed('/help'), { ...ctx('dave'), level: 'read' });
    expect(reader.reply).toContain('`/status [service]`');
    expect(reader.reply).not.toContain('/restart');
    expect(reader.reply).toContain('you (@dave, read access) may run');
    const admin = await handleCommand(typed('/help'), { ...ctx('root'), level: 'admin' });
    expect(admin.reply).toContain('`/mode normal|extreme` | admin');
    expect(admin.reply).toContain('`/restart <service> [--dry-run] [--force]` | write');
  });
});

describe('/status', () => {
  it('replies with the dashboard', async () => {
    const { ctx } = handlerSetup();
    await handleCommand(typed('/restart coqui'), ctx());
    const outcome = await handleCommand(typed('/status'), ctx());
    expect(outcome).toMatchObject({ ok: true, reaction: 'rocket', stateChanged: false });
    expect(outcome.reply).toContain('Coqui Voice Service');
    expect(outcome.reply).toContain('Backend Node.js');
  });

  it('refuses an unknown service', async () => {
    const { ctx } = handlerSetup();
    const outcome = await handleCommand(typed('/status nope'), ctx());
    expect(outcome).toMatchObject({ ok: false, reaction: '-1' });
  });
});
