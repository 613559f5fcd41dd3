/**
 * Our policy through the product's own code: `watch` (src/engine/watch.ts) with a virtual clock, a
 * MemoryStateStore, the real state machine, planner, budget and executor. Only the service and the
 * platform are simulated: probes read the SimulatedService, a restart goes to it. In the deploy world
 * (a DeployedService) the platform also answers `deployments()` from the world's timeline and takes `rollback()`.
 */
import type { Mode } from '../../src/config/presets.js';
import { parseConfig } from '../../src/config/load.js';
import type { RecoveryAction, ServiceConfig } from '../../src/config/schema.js';
import type { EngineDeps } from '../../src/engine/types.js';
import { watch } from '../../src/engine/watch.js';
import type { ConfirmPolicy } from '../../src/monitor/types.js';
import type { ProbeResult } from '../../src/probe/types.js';
import type { ActionResult, Provider } from '../../src/providers/types.js';
import { emptyState } from '../../src/state/records.js';
import { MemoryStateStore } from '../../src/state/memory.js';
import type { StateStore } from '../../src/state/types.js';
import { virtualClock } from '../../test/helpers/clock.js';
import { silentLogger } from '../../src/util/logger.js';
import { DeployedService } from './deploys.js';
import type { SimulatedService } from './world.js';
import type { EngineEvent, SweepResult } from '../../src/outcome/types.js';

/** What the product's engine did during the replay, beyond the world's score. */
export interface EngineTally {
  sweeps: number;
  probes: number;
  escalations: number;
  /** Recovery attempts by trigger. */
  attempts: Record<'down' | 'predictive' | 'command', number>;
  stateWrites: number;
}

/** Seconds the platform's API takes to accept a restart or redeploy. */
const PROVIDER_CALL_MS = 1_000;

/** Options of {@link runEngine}; the replay uses none, the endurance run all. */
export interface EngineRunOptions {
  /** @default a MemoryStateStore on the virtual clock */
  store?: (now: () => number) => StateStore;
  /** Tuning keys set in the config (e.g. a longer `healthCheckInterval`). */
  tuning?: Partial<Record<'healthCheckInterval', string>>;
  /** Called after each sweep; return true to stop. */
  onSweep?: (result: SweepResult, sweeps: number) => boolean | void | Promise<boolean | void>;
  persist?: 'changes' | 'always';
  /** Confirm re-probes before "down"; @default the product's (CONFIRM_POLICY). */
  confirmPolicy?: ConfirmPolicy;
  /** The service's `recovery.actions` (the ladder), e.g. `['restart', 'rollback', 'redeploy']`; @default Railway's. */
  actions?: RecoveryAction[];
}

/**
 * A health probe that reads the simulated service at the virtual clock's now and takes the answer's time:
 * a healthy answer its response time, a refused connection 1 ms, a 503 30 ms, a too-slow answer the timeout.
 */
export function simulatedProbe(
  world: SimulatedService,
  clock: { now(): number; sleep(ms: number): Promise<void> },
  onProbe?: () => void,
) {
  return async (service: ServiceConfig, options?: { confirm?: boolean }): Promise<ProbeResult> => {
    onProbe?.();
    const at = clock.now();
    const answer = world.answer(at);
    const base = { service: service.id, at, ...(options?.confirm ? { confirm: true } : {}) };
    if (answer.ok && answer.responseMs > service.timeout) {
      await clock.sleep(service.timeout);
      return { ...base, ok: false, kind: 'timeout', responseMs: service.timeout, error: 'timed out' };
    }
    if (answer.ok) {
      await clock.sleep(answer.responseMs);
      return { ...base, ok: true, kind: 'ok', status: 200, responseMs: answer.responseMs };
    }
    await clock.sleep(answer.kind === 'refused' ? 1 : 30);
    return answer.kind === 'refused'
      ? { ...base, ok: false, kind: 'refused', responseMs: 1, error: 'connection refused' }
      : { ...base, ok: false, kind: 'status', status: 503, responseMs: 30, error: 'HTTP 503' };
  };
}

/** Replays the scenario through `watch` in `mode`; returns what the engine did. */
export async function runEngine(
  mode: Mode,
  world: SimulatedService,
  options: EngineRunOptions = {},
): Promise<EngineTally> {
  const { start, end } = world.scenario;
  const clock = virtualClock(start);
  const config = parseConfig(
    {
      mode,
      ...options.tuning,
      services: {
        api: {
          name: 'API',
          url: 'http://127.0.0.1:9/health',
          timeout: '10s',
          recovery: {
            provider: 'railway',
            serviceId: 'svc-bench',
            ...(options.actions ? { actions: options.actions } : {}),
          },
        },
      },
    },
    'bench (policy replay)',
  );
  const tally: EngineTally = {
    sweeps: 0,
    probes: 0,
    escalations: 0,
    attempts: { down: 0, predictive: 0, command: 0 },
    stateWrites: 0,
  };

  const probe = simulatedProbe(world, clock, () => tally.probes++);

  const act = async (): Promise<ActionResult> => {
    await clock.sleep(PROVIDER_CALL_MS);
    world.restart(clock.now());
    return { ok: true, detail: 'deployment restarted' };
  };
  const provider: Provider = { type: 'railway', restart: act, redeploy: act };
  if (world instanceof DeployedService) {
    provider.deployments = async () => world.deployments(clock.now());
    provider.rollback = async (_service, _ctx, rollback = {}) => {
      const to = rollback.toDeploymentId ?? world.deployments(clock.now()).previousSuccessful?.id;
      if (!to) return { ok: false, detail: 'no earlier deployment to roll back to' };
      await clock.sleep(PROVIDER_CALL_MS);
      world.rollback(clock.now(), to);
      return { ok: true, detail: `Railway rolled back to deployment ${to}`, deploymentId: to };
    };
  }

  const onEvent = (event: EngineEvent) => {
    if (event.type === 'status' && event.to === 'down') world.declareDown(event.at);
    else if (event.type === 'recovery-start') tally.attempts[event.trigger]++;
    else if (event.type === 'escalated') tally.escalations++;
  };
  const deps: EngineDeps = {
    config,
    provider: () => provider,
    providerContext: { env: {}, fetch: globalThis.fetch, clock, logger: silentLogger },
    probe,
    clock,
    logger: silentLogger,
    onEvent,
    ...(options.confirmPolicy ? { confirmPolicy: options.confirmPolicy } : {}),
  };
  const store = options.store?.(clock.now) ?? new MemoryStateStore(emptyState(), { now: clock.now });
  const stop = new AbortController();
  await watch(deps, store, {
    durationMs: end - start,
    signal: stop.signal,
    persist: options.persist ?? 'changes',
    onSweep: async (result) => {
      tally.sweeps++;
      if (await options.onSweep?.(result, tally.sweeps)) stop.abort();
    },
  });
  if (store instanceof MemoryStateStore) tally.stateWrites = store.writes;
  return tally;
}
