import type { ProbeResult } from '../probe/types.js';

/**
 * The quorum of locations, pure: what every live location saw of one service → one verdict. A service is
 * failing (so the monitor may call it down, and recovery may run) only when at least `quorum` locations saw it
 * fail; a failure seen from fewer is a *location problem* — reported, never restarted. A location that gave no
 * answer (no live worker, or its answer came too late) does not count either way. See docs/scale-out.md.
 */

/** What one location saw: its probe, or why there is none. */
export type LocationObservation =
  { location: string; result: ProbeResult } | { location: string; missing: string };

export interface QuorumVerdict {
  /** `failing`: the quorum saw it fail; `location-problem`: some failed, fewer than the quorum; else `ok`. */
  verdict: 'ok' | 'failing' | 'location-problem';
  /** The quorum applied: the configured one, lowered to the number of locations that answered (at least 1). */
  quorum: number;
  /** The configured quorum, when it had to be lowered. */
  configuredQuorum?: number;
  failingFrom: string[];
  okFrom: string[];
  /** Locations without an answer, with why (`no live worker`, `no answer within 1.3 s`). */
  missing: Array<{ location: string; why: string }>;
  /** The probe result the monitor gets: a failing one for `failing`, a healthy one otherwise. */
  result: ProbeResult;
  /** One line for people: `failing from fra only (iad, sin ok)`; empty for a plain `ok`. */
  note: string;
}

const list = (names: string[]) => names.join(', ');

/** The locations that gave no answer, and why. */
function missingOf(observations: LocationObservation[]): Array<{ location: string; why: string }> {
  return observations
    .filter((o): o is { location: string; missing: string } => 'missing' in o)
    .map((o) => ({ location: o.location, why: o.missing }));
}

/** The verdict's notes on the locations not counted and on a quorum lowered to the live locations. */
function notesOf(missing: Array<{ location: string; why: string }>, quorum: number, applied: number) {
  return {
    missingNote: missing.length
      ? `; not counted: ${missing.map((m) => `${m.location} (${m.why})`).join(', ')}`
      : '',
    loweredNote: applied < quorum ? `; quorum lowered from ${quorum} to ${applied} (live locations)` : '',
  };
}

/**
 * Decides one service's verdict. `own` is the location running the sweep (its result is preferred when it
 * agrees with the verdict, so response times stay comparable sweep to sweep). A probe the monitor itself could
 * not make (`local`: out of sockets) says nothing about the service and is not counted. Throws when no location
 * answered at all (the caller always has its own probe).
 */
export function decideQuorum(
  observations: LocationObservation[],
  quorum: number,
  own?: string,
): QuorumVerdict {
  const answered = observations.filter((o): o is { location: string; result: ProbeResult } => 'result' in o);
  if (answered.length === 0)
    throw new Error('decideQuorum: no location answered; the sweeping worker always probes.');
  const counted = answered.filter((o) => !o.result.local);
  const failing = counted.filter((o) => !o.result.ok);
  const ok = counted.filter((o) => o.result.ok);
  const missing = missingOf(observations);
  const applied = Math.max(1, Math.min(quorum, counted.length));
  const pick = (from: typeof answered) => (from.find((o) => o.location === own) ?? from[0]).result;
  const { missingNote, loweredNote } = notesOf(missing, quorum, applied);
  const base = {
    quorum: applied,
    ...(applied < quorum ? { configuredQuorum: quorum } : {}),
    failingFrom: failing.map((o) => o.location).sort(),
    okFrom: ok.map((o) => o.location).sort(),
    missing,
  };
  if (counted.length === 0) {
    // Every answer was the monitor's own trouble: pass it on as such (the sweep does not count it).
    return {
      ...base,
      verdict: 'ok',
      result: pick(answered),
      note: `not checked from any location${missingNote}`,
    };
  }
  if (failing.length >= applied) {
    const result = pick(failing);
    const from = `failing from ${list(base.failingFrom)}`;
    const note = `${from}${ok.length ? ` (${list(base.okFrom)} ok)` : ''}${loweredNote}${missingNote}`;
    // The error says from where, so the incident's timeline and the summary carry it.
    return {
      ...base,
      verdict: 'failing',
      result: { ...result, error: `${result.error ?? 'failed'} — ${from}` },
      note,
    };
  }
  if (failing.length > 0) {
    const note = `failing from ${list(base.failingFrom)} only (${list(base.okFrom)} ok): a location problem, not counted as down${loweredNote}${missingNote}`;
    return { ...base, verdict: 'location-problem', result: pick(ok), note };
  }
  return {
    ...base,
    verdict: 'ok',
    result: pick(ok),
    note: `${loweredNote}${missingNote}`.replace(/^; /, ''),
  };
}
