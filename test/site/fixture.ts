import { configSchema, toConfig, type Config } from '../../src/config/schema.js';
import { emptyHistory } from '../../src/state/history-schema.js';
import { DAY_MS, HOUR_MS, recordSample } from '../../src/history/record.js';
import { syncIncidentLog } from '../../src/history/incidents.js';
import type { StateWithHistory } from '../../src/history/state.js';
import { emptyRecord, emptyState } from '../../src/state/records.js';

/** The hostile display names the page must show as text. */
export const HOSTILE_NAMES = ['<script>alert("x")</script>', '"><img src=x onerror=alert(1)>'];

/** "Now" of the fixture: 2026-11-30 12:00 UTC. */
export const NOW = Date.UTC(2026, 10, 30, 12, 0, 0);

/** A config with four services: healthy, down with an incident, paused, and one with a hostile name. */
export function fixtureConfig(): Config {
  const parsed = configSchema.parse({
    services: {
      api: { name: 'Public API', url: 'https://api.example.com/health?token=SECRET_IN_URL' },
      worker: { name: 'Worker', url: 'https://worker.example.com/health' },
      docs: { name: 'Docs', url: 'https://docs.example.com/' },
      evil: { name: HOSTILE_NAMES[0], url: 'https://evil.example.com/' },
      evil2: { name: HOSTILE_NAMES[1], url: 'https://evil2.example.com/' },
    },
  });
  const config = toConfig(parsed, 'fixture');
  if ('problems' in config) throw new Error(JSON.stringify(config.problems));
  return config;
}

/** 8 days of state: history for every service, an open incident for worker, a closed one for api, docs paused. */
export function fixtureState(): StateWithHistory {
  const state: StateWithHistory = emptyState();
  let history = emptyHistory();
  const start = NOW - 8 * DAY_MS;
  for (const id of ['api', 'worker', 'docs', 'evil', 'evil2']) {
    state.services[id] = {
      ...emptyRecord(start),
      firstCheckAt: start,
      monitoredMs: 8 * DAY_MS,
      health: { ...emptyRecord(start).health, status: 'up', since: start, lastResponseMs: 120 },
    };
    for (let t = start; t <= NOW; t += HOUR_MS) {
      const wave = 80 + 40 * Math.sin(t / (6 * HOUR_MS)) + (id === 'worker' ? 200 : 0);
      // A run that watched for a few minutes: several probes, one slow now and then.
      const probes = [0, 7, 3, 12, 5, (t / HOUR_MS) % 5 === 0 ? 160 : 20].map((d) => ({
        ok: true,
        responseMs: Math.round(wave + d),
      }));
      history = recordSample(history, id, probes, t);
    }
  }
  state.services.api.outages = [{ start: NOW - 3 * DAY_MS, end: NOW - 3 * DAY_MS + 30 * 60_000 }];
  history = syncIncidentLog(
    history,
    { api: { number: 3, openedAt: NOW - 3 * DAY_MS, kind: 'down' } },
    NOW - 3 * DAY_MS,
  );
  history = syncIncidentLog(history, {}, NOW - 3 * DAY_MS + 30 * 60_000);
  state.services.worker.health = {
    ...state.services.worker.health,
    status: 'down',
    since: NOW - 2 * HOUR_MS,
  };
  state.services.worker.outages = [{ start: NOW - 2 * HOUR_MS }];
  state.incidents.worker = { number: 12, openedAt: NOW - 2 * HOUR_MS, kind: 'down' };
  state.services.evil.outages = [{ start: NOW - DAY_MS, end: NOW - DAY_MS + 600_000 }];
  state.pauses.docs = { at: NOW - HOUR_MS, until: NOW + 2 * HOUR_MS, by: 'octocat' };
  state.history = syncIncidentLog(history, state.incidents, NOW);
  return state;
}

/** `issueUrl` for the fixture's repository. */
export const issueUrl = (n: number) => `https://github.com/acme/ops/issues/${n}`;
