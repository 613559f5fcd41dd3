import { mergeRecord } from './records.js';
import type { CheckTotals, ServiceRecord, UptimeState } from './types.js';

/**
 * The sweeps of a run that could not read the shared state, laid onto the state read later (`shared`). That run
 * began from an empty state, so its totals are its own checks only: they are added to the shared totals (all
 * time and per day), its attempts and outages join the shared ones, and its view of each service's health, the
 * newest, wins. Pauses, `/mode`, incidents and notification claims stay as shared: that run had none.
 */
export function rebaseOffline(shared: UptimeState, offline: UptimeState): UptimeState {
  const services = { ...shared.services };
  for (const [id, mine] of Object.entries(offline.services)) {
    const theirs = Object.hasOwn(shared.services, id) ? shared.services[id] : undefined;
    services[id] = theirs ? rebaseRecord(theirs, mine) : mine;
  }
  const known = new Set(shared.unmonitored.map((o) => o.start));
  return {
    ...shared,
    services,
    unmonitored: [...shared.unmonitored, ...offline.unmonitored.filter((o) => !known.has(o.start))],
    lastSweepAt: Math.max(shared.lastSweepAt ?? 0, offline.lastSweepAt ?? 0),
  };
}

function rebaseRecord(theirs: ServiceRecord, mine: ServiceRecord): ServiceRecord {
  // Attempts and outages: the union (mergeRecord); every attempt of that run is new, so the counts add up.
  const merged = mergeRecord(theirs, mine);
  const first = [theirs.firstCheckAt, mine.firstCheckAt].filter((at) => at !== undefined);
  const daily = { ...theirs.daily };
  for (const [day, totals] of Object.entries(mine.daily))
    daily[day] = Object.hasOwn(theirs.daily, day) ? addTotals(theirs.daily[day], totals) : totals;
  return {
    ...merged,
    checks: addTotals(theirs.checks, mine.checks),
    daily,
    monitoredMs: theirs.monitoredMs + mine.monitoredMs,
    repairs: theirs.repairs + mine.repairs,
    predictiveRestarts: theirs.predictiveRestarts + mine.predictiveRestarts,
    ...(first.length ? { firstCheckAt: Math.min(...first) } : {}),
    recentChecks: joinByTime(theirs.recentChecks, mine.recentChecks),
    checkSeries: joinByTime(theirs.checkSeries, mine.checkSeries),
  };
}

function addTotals(a: CheckTotals, b: CheckTotals): CheckTotals {
  return {
    ok: a.ok + b.ok,
    total: a.total + b.total,
    slow: a.slow + b.slow,
    responseMsTotal: a.responseMsTotal + b.responseMsTotal,
  };
}

/** Two time-ordered series (`[at, …]`) as one, keeping the shared entries for the times both have. */
function joinByTime<T extends [number, number, number]>(
  a: T[] | undefined,
  b: T[] | undefined,
): T[] | undefined {
  if (!a || !b) return a ?? b;
  const seen = new Set(a.map(([at]) => at));
  return [...a, ...b.filter(([at]) => !seen.has(at))].sort((x, y) => x[0] - y[0]);
}
