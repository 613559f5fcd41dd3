import type { RecoveryAttempt } from '../../src/state/types.js';
import { formatDuration } from '../../src/util/duration.js';
import { DEMO_TIMINGS, SLOWDOWN_STEP_MS } from './config.js';
import { crash, currentPid, slowDown, type DemoService } from './processes.js';
import { EventTracker, is } from './tracker.js';

/** What the demo measured for one service. */
export interface Measurement {
  service: string;
  name: string;
  /** What was done to it. */
  fault: string;
  /** From the fault to the engine acting on it (down declared, or predictive restart started). */
  detectMs: number;
  /** From detection to the service answering healthy again. */
  recoverMs: number;
  /** The provider call and verification of the restart alone. */
  restartMs?: number;
  oldPid?: number;
  newPid?: number;
  /** Came back, on a new process. */
  ok: boolean;
  note: string;
}

/** What a stage of the scenario needs. */
export interface Stage {
  tracker: EventTracker;
  out: (text: string) => void;
  signal: AbortSignal;
  now: () => number;
}

/** When a recovery attempt saw the service healthy (its end), else `fallback`. */
function healthyAt(attempt: RecoveryAttempt | undefined, fallback: number): number {
  return attempt?.healthy ? attempt.at + attempt.durationMs : fallback;
}

/** Phase 1: both services answer; a few checks go by. */
export async function warmUp(stage: Stage, services: DemoService[], checks = 3): Promise<void> {
  const from = stage.tracker.mark;
  for (const s of services) {
    await stage.tracker.waitUntil(
      `${checks} checks of ${s.name}`,
      () =>
        stage.tracker.since(
          from,
          is.check(s.key, (e) => e.result.ok),
        ).length >= checks,
      {
        timeoutMs: 15_000,
        signal: stage.signal,
      },
    );
  }
}

/** Phase 2: `kill -9` the service's process; the engine detects it down, restarts it, verifies it. */
export async function crashAndRecover(stage: Stage, service: DemoService): Promise<Measurement> {
  const { tracker, signal } = stage;
  const from = tracker.mark;
  const crashAt = stage.now();
  const oldPid = crash(service);
  stage.out(
    `💥 kill -9 ${oldPid}: ${service.name} crashed (${new Date(crashAt).toISOString().slice(11, 23)})`,
  );
  const down = await tracker.waitFor(`${service.name} to be declared down`, is.status(service.key, 'down'), {
    from,
    timeoutMs: 10_000,
    signal,
  });
  const up = await tracker.waitFor(`${service.name} to recover`, is.status(service.key, 'up'), {
    from,
    timeoutMs: 30_000,
    signal,
  });
  const attempts = tracker.since(from, is.recoveryEnd(service.key));
  const newPid = currentPid(service);
  return {
    service: service.key,
    name: service.name,
    fault: 'crash (kill -9)',
    detectMs: down.at - crashAt,
    recoverMs: healthyAt(attempts.at(-1)?.attempt, up.at) - down.at,
    restartMs: attempts.at(-1)?.attempt.durationMs,
    oldPid,
    newPid,
    ok: newPid !== undefined && newPid !== oldPid,
    note: `${attempts.length} recovery attempt(s), downtime ${formatDuration(up.at - crashAt)}`,
  };
}

/**
 * Phase 3: every answer gets `SLOWDOWN_STEP_MS` slower; the degradation trend triggers a predictive restart
 * before a check fails, and the new process answers fast again.
 */
export async function slowAndPredict(stage: Stage, service: DemoService): Promise<Measurement> {
  const from = stage.tracker.mark;
  const oldPid = currentPid(service);
  const slowAt = stage.now();
  await slowDown(service, SLOWDOWN_STEP_MS);
  stage.out(
    `🐌 ${service.name} now answers ${SLOWDOWN_STEP_MS}ms slower each time (a leak-like slow death; probe timeout ${formatDuration(DEMO_TIMINGS.timeout)})`,
  );
  const { start, end, up, fast } = await predictiveRestart(stage, service, from);
  const { tracker } = stage;
  const failedChecks = tracker.since(
    from,
    is.check(service.key, (e) => !e.result.ok),
  ).length;
  const wentDown = tracker.since(from, is.status(service.key, 'down')).length > 0;
  const newPid = currentPid(service);
  const ok = end.attempt.healthy && fast.result.ok && !wentDown && newPid !== undefined && newPid !== oldPid;
  return {
    service: service.key,
    name: service.name,
    fault: `slowing down +${SLOWDOWN_STEP_MS}ms per answer`,
    detectMs: start.at - slowAt,
    recoverMs: healthyAt(end.attempt, up.at) - start.at,
    restartMs: end.attempt.durationMs,
    oldPid,
    newPid,
    ok,
    note: wentDown
      ? 'it went DOWN before the predictive restart'
      : `restarted before it failed (${failedChecks} failed checks), fast again: ${fast.result.responseMs}ms`,
  };
}

/** Waits for the predictive restart to start and end, the service to be up, and a fast answer after it. */
async function predictiveRestart(stage: Stage, service: DemoService, from: number) {
  const { tracker, signal } = stage;
  const start = await tracker.waitFor(
    `a predictive restart of ${service.name}`,
    is.recoveryStart(service.key, 'predictive'),
    { from, timeoutMs: 20_000, signal },
  );
  const end = await tracker.waitFor(`the restart of ${service.name} to finish`, is.recoveryEnd(service.key), {
    from,
    timeoutMs: 20_000,
    signal,
  });
  const up = await tracker.waitFor(`${service.name} to answer healthy`, is.status(service.key, 'up'), {
    from: tracker.indexOf(start),
    timeoutMs: 10_000,
    signal,
  });
  const fast = await tracker.waitFor(
    `a fast answer from ${service.name}`,
    is.check(service.key, (e) => e.result.ok && e.result.responseMs < DEMO_TIMINGS.slowResponseThreshold),
    { from: tracker.indexOf(end) + 1, timeoutMs: 10_000, signal },
  );
  return { start, end, up, fast };
}

/** The figures table printed at the end. */
export function renderMeasurements(measurements: Measurement[]): string {
  const width = Math.max(...measurements.map((m) => m.name.length));
  const lines = measurements.map((m) =>
    [
      `${m.ok ? '✅' : '❌'} ${m.name.padEnd(width)}  ${m.fault}`,
      `     time to detect:  ${formatDuration(m.detectMs)}`,
      `     time to recover: ${formatDuration(m.recoverMs)} after detection${m.restartMs !== undefined ? ` (${m.fault.startsWith('bad deploy') ? 'rollback' : 'restart'} + verify ${formatDuration(m.restartMs)})` : ''}`,
      `     process: pid ${m.oldPid ?? '?'} → ${m.newPid ?? '?'} · ${m.note}`,
    ].join('\n'),
  );
  return ['📊 Measured on this machine (wall clock):', ...lines].join('\n');
}

/**
 * Phase 4: a bad deploy. `deploy()` ships version 2 (its health check fails); the engine declares it down,
 * restarts it (same version: no help), rolls back to the previous deployment (the outage began right after the
 * deploy) and verifies it. Measured from the deploy to the service answering healthy again.
 */
export async function badDeployAndRollback(
  stage: Stage,
  service: DemoService,
  deploy: () => Promise<void>,
): Promise<Measurement> {
  const { tracker, signal } = stage;
  const from = tracker.mark;
  const oldPid = currentPid(service);
  const deployAt = stage.now();
  await deploy();
  stage.out(`🚢 Deployed v2 of ${service.name} (pid ${currentPid(service) ?? '?'}); its health check fails`);
  const down = await tracker.waitFor(`${service.name} to be declared down`, is.status(service.key, 'down'), {
    from,
    timeoutMs: 10_000,
    signal,
  });
  const up = await tracker.waitFor(`${service.name} to recover`, is.status(service.key, 'up'), {
    from,
    timeoutMs: 30_000,
    signal,
  });
  const attempts = tracker.since(from, is.recoveryEnd(service.key)).map((e) => e.attempt);
  const rollback = attempts.find((a) => a.action === 'rollback');
  const restartFirst = attempts[0]?.action === 'restart' && !attempts[0].healthy;
  const newPid = currentPid(service);
  return {
    service: service.key,
    name: service.name,
    fault: 'bad deploy (v2 fails its health check)',
    detectMs: down.at - deployAt,
    recoverMs: healthyAt(attempts.at(-1), up.at) - down.at,
    restartMs: rollback?.durationMs,
    oldPid,
    newPid,
    ok: rollback?.healthy === true && restartFirst,
    note: `${attempts.map((a) => `${a.action} ${a.healthy ? '✓' : '✗'}`).join(', ')}; deploy → healthy ${formatDuration(healthyAt(attempts.at(-1), up.at) - deployAt)}`,
  };
}

/** The last forensics section written to the local incident log (`incidents.md`), or undefined. */
export function lastForensics(markdown: string): string | undefined {
  const start = markdown.lastIndexOf('<details><summary>Forensics');
  if (start < 0) return undefined;
  const end = markdown.indexOf('</details>', start);
  return markdown.slice(start, end < 0 ? undefined : end + '</details>'.length);
}
