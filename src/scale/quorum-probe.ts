import type { EngineDeps } from '../engine/types.js';
import type { ProbeResult } from '../probe/types.js';
import type { LocationProber } from './fanout.js';
import { decideQuorum, type LocationObservation, type QuorumVerdict } from './quorum.js';
import { quorumOf } from './types.js';

/** What one sweep's probe needs to ask every live location. */
export interface QuorumProbeOptions {
  engine: EngineDeps;
  repo: string;
  version?: string;
  /** The location running the sweep. */
  own: string;
  /** Live locations (own included) and locations with no live worker now. */
  live: string[];
  gone: string[];
  prober: LocationProber;
  now: () => number;
  /** Every probe made here (metrics). */
  onCheck?: () => void;
  /** Extra time given to other locations beyond the slowest service's timeout. @default 30% of it */
  waitFactor?: number;
}

/** One request to each remote location for these services' probes, each bounded by `waitMs`. */
function askAll(
  options: QuorumProbeOptions,
  remote: string[],
  waitMs: number,
  services: string[],
  confirm: boolean,
): Map<string, Promise<ProbeResult[] | string>> {
  const deadline = options.now() + waitMs;
  const request = { repo: options.repo, version: options.version, services, confirm, deadline };
  return new Map(remote.map((location) => [location, options.prober.ask(location, request, waitMs)]));
}

/** What one location said about one service: its result, or why there is none. */
async function observationOf(
  location: string,
  asked: Promise<ProbeResult[] | string>,
  service: string,
): Promise<LocationObservation> {
  const answer = await asked;
  if (typeof answer === 'string') return { location, missing: answer };
  const result = answer.find((r) => r.service === service);
  return result ? { location, result } : { location, missing: 'did not probe it (an older config)' };
}

/**
 * The sweep's `probe` with a quorum of locations: the first check of a sweep asks every other live location
 * for all the repository's quorum services at once (one job per location), confirm and recovery-verify probes
 * ask per service; {@link decideQuorum} turns the answers into the result the monitor sees. Services without
 * `locations:` are probed here only, as before. `verdicts` keeps the last verdict per service for the summary.
 */
export function quorumProbe(options: QuorumProbeOptions): {
  probe: EngineDeps['probe'];
  verdicts: Map<string, QuorumVerdict>;
} {
  const { engine, own } = options;
  const verdicts = new Map<string, QuorumVerdict>();
  const remote = options.live.filter((l) => l !== own);
  const quorumServices = Object.keys(engine.config.services).filter(
    (id) => quorumOf(engine, id) !== undefined,
  );
  const maxTimeout = Math.max(1000, ...quorumServices.map((id) => engine.config.services[id].timeout));
  const waitMs = Math.ceil(maxTimeout * (1 + (options.waitFactor ?? 0.3)));
  const local: EngineDeps['probe'] = async (service, probeOptions) => {
    options.onCheck?.();
    return engine.probe(service, probeOptions);
  };
  const ask = (services: string[], confirm: boolean) => askAll(options, remote, waitMs, services, confirm);
  let firstRound: Map<string, Promise<ProbeResult[] | string>> | undefined;
  const probe: EngineDeps['probe'] = async (service, probeOptions) => {
    const quorum = quorumOf(engine, service.id);
    if (quorum === undefined) return local(service, probeOptions);
    // The sweep's first check of each service shares one request per location; later ones are asked alone.
    const first = !probeOptions?.confirm && !verdicts.has(service.id);
    const round = first
      ? (firstRound ??= ask(quorumServices, false))
      : ask([service.id], probeOptions?.confirm ?? false);
    const [mine, ...theirs] = await Promise.all([
      local(service, probeOptions),
      ...remote.map((location) => observationOf(location, round.get(location)!, service.id)),
    ]);
    const observations: LocationObservation[] = [
      { location: own, result: mine },
      ...theirs,
      ...options.gone.map((location) => ({ location, missing: 'no live worker' })),
    ];
    const verdict = decideQuorum(observations, quorum, own);
    verdicts.set(service.id, verdict);
    return verdict.result;
  };
  return { probe, verdicts };
}
