/**
 * The partition replay, in virtual time: three locations probe one service every 5 s (extreme); the service
 * has real outages, and one location (`sin`) loses its network for minutes at a time. Each sweep is decided by
 * the product's own {@link decideQuorum} (quorum 2 of 3), against a single monitor placed in `sin`. A restart is
 * a transition into "failing" (the planner's backoff keeps one per outage); a false restart is one while the
 * service was up. Detection: outage start → the end of the sweep that calls it down, with the confirm policy's
 * rounds (a fast failure is re-probed twice) each waiting for the slowest answering location.
 */
import { CONFIRM_POLICY } from '../../src/monitor/machine.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { decideQuorum, type LocationObservation } from '../../src/scale/quorum.js';
import { humanMs, markdownTable, percentile } from '../lib/stats.js';
import { seededRandom } from '../../test/helpers/random.js';

const INTERVAL = 5000;
/** Round trip from each location to the service (ms). */
const RTT: Record<string, number> = { fra: 30, iad: 90, sin: 220 };
const LOCATIONS = Object.keys(RTT);
const PARTITIONED = 'sin';

/** Intervals [start, end) of a Poisson process with mean gap `gapMs`, lengths uniform in [minMs, maxMs]. */
function episodes(
  random: () => number,
  totalMs: number,
  gapMs: number,
  minMs: number,
  maxMs: number,
): Array<[number, number]> {
  const list: Array<[number, number]> = [];
  let t = -Math.log(1 - random()) * gapMs;
  while (t < totalMs) {
    const length = minMs + random() * (maxMs - minMs);
    list.push([t, t + length]);
    t += length - Math.log(1 - random()) * gapMs;
  }
  return list;
}

const inside = (list: Array<[number, number]>, t: number) => list.some(([s, e]) => t >= s && t < e);

export function replayPartitions(options: { days: number; seed: number }) {
  const random = seededRandom(options.seed);
  const total = options.days * 86_400_000;
  const outages = episodes(random, total, 2 * 3_600_000, 60_000, 600_000);
  const partitions = episodes(random, total, 3 * 3_600_000, 120_000, 900_000);
  const result = (ok: boolean, location: string): ProbeResult => ({
    service: 'api',
    ok,
    kind: ok ? 'ok' : 'refused',
    responseMs: RTT[location],
    at: 0,
  });
  const run = (locations: string[], quorum: number) => {
    let failing = false;
    let falseRestarts = 0;
    let restarts = 0;
    let locationProblems = 0;
    const detections: number[] = [];
    let pendingOutage = 0;
    for (let t = 0; t < total; t += INTERVAL) {
      const own = locations[Math.floor(random() * locations.length)];
      const down = inside(outages, t);
      const observe = (): LocationObservation[] =>
        locations.map((location) => ({
          location,
          result: result(!down && !(location === PARTITIONED && inside(partitions, t)), location),
        }));
      const verdict = decideQuorum(observe(), quorum, own);
      const round = Math.max(...locations.map((l) => RTT[l]));
      if (verdict.verdict === 'location-problem') locationProblems++;
      const now = verdict.verdict === 'failing';
      if (now && !failing) {
        restarts++;
        if (!down) falseRestarts++;
        else {
          // The first probe and the confirm re-probes, each round waiting for the slowest location.
          const start = outages.find(([s, e]) => t >= s && t < e)![0];
          if (start >= pendingOutage) detections.push(t - start + round * (1 + CONFIRM_POLICY.fastFailures));
          pendingOutage = t;
        }
      }
      failing = now;
    }
    return {
      falseRestarts,
      restarts,
      locationProblems,
      detectionP50: percentile(detections, 50) ?? NaN,
      detected: detections.length,
    };
  };
  const quorum = run(LOCATIONS, 2);
  const single = run([PARTITIONED], 1);
  const detectionTarget = 0.5 * INTERVAL + RTT.fra + Math.max(...Object.values(RTT));
  const markdown = [
    `### Partition replay (${options.days} days, virtual time, interval 5 s; ${outages.length} real outages of 1–10 min; ${PARTITIONED} loses its network ${partitions.length} times for 2–15 min)`,
    '',
    markdownTable(
      [
        'watch',
        'restarts',
        'false restarts',
        'location problems reported (sweeps)',
        'outages detected',
        'detection p50',
      ],
      [
        [
          'quorum 2 of fra, iad, sin',
          quorum.restarts,
          quorum.falseRestarts,
          quorum.locationProblems,
          `${quorum.detected}/${outages.length}`,
          humanMs(quorum.detectionP50),
        ],
        [
          `single location (${PARTITIONED})`,
          single.restarts,
          single.falseRestarts,
          '—',
          `${single.detected}/${outages.length}`,
          humanMs(single.detectionP50),
        ],
      ],
    ),
    '',
    `Detection counts the confirm policy's rounds (a fast failure is probed, then re-probed twice), each waiting for the slowest location that answers (RTT fra ${RTT.fra} ms, iad ${RTT.iad} ms, sin ${RTT.sin} ms); the target is 0.5 × interval + one probe (fra) + the slowest location's probe.`,
  ].join('\n');
  return { quorum, single, detectionTarget, markdown };
}
