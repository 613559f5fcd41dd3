import { parseConfig } from '../../src/config/load.js';
import type { RawConfigInput, ServiceConfig } from '../../src/config/schema.js';
import type { ProviderContext } from '../../src/providers/types.js';
import { virtualClock } from '../helpers/clock.js';
import type { Logger } from '../../src/util/logger.js';

/** A provider context on a virtual clock that records every sleep, retry and log line. */
export function testContext(
  env: NodeJS.ProcessEnv = {},
  { timeoutSignal, ...timing }: ProviderContext['timing'] & Pick<ProviderContext, 'timeoutSignal'> = {},
) {
  const clock = virtualClock();
  const sleeps: number[] = [];
  const retries: string[] = [];
  const logs: string[] = [];
  const log = (m: string) => void logs.push(m);
  const logger: Logger = { debug: log, info: log, warn: log, error: log };
  const ctx: ProviderContext = {
    env,
    fetch: globalThis.fetch,
    clock: {
      now: clock.now,
      sleep: async (ms, signal) => {
        sleeps.push(ms);
        await clock.sleep(ms, signal);
      },
    },
    logger,
    onRetry: (m) => void retries.push(m),
    timeoutSignal,
    // Deterministic jitter: the full backoff.
    timing: { random: () => 1, requestTimeoutMs: 10_000, ...timing }, // load may slow a loopback answer, never time it out
  };
  return { ctx, clock, sleeps, retries, logs };
}

/** One service from a `recovery` block, through the real config parser. */
export function serviceWith(
  recovery: NonNullable<RawConfigInput['services'][string]['recovery']>,
  name = 'Backend Node.js',
): ServiceConfig {
  const config = parseConfig(
    { services: { backend: { name, url: 'https://backend.example.com/health', recovery } } },
    'test',
  );
  return config.services.backend;
}

/**
 * Request deadlines that pass when the test says so, for a platform that never answers in time without
 * waiting on the wall clock: pass `timeoutSignal` in the timing and answer the request with `neverInTime`.
 */
export function manualTimeouts() {
  const waiting: AbortController[] = [];
  return {
    timeoutSignal: () => {
      const controller = new AbortController();
      waiting.push(controller);
      return controller.signal;
    },
    /** A nock reply function: the request's deadline passes while the platform is still "working". */
    neverInTime: (): [number, string] => {
      waiting.shift()?.abort(new DOMException('The operation timed out.', 'TimeoutError'));
      return [200, '{}'];
    },
  };
}
