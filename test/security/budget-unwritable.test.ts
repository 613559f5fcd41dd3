/**
 * The restart budget when the shared state can't be written: 6 concurrent `/restart api` (budget 2) while
 * GitHub answers 500, or a secondary-rate-limit 403, to every state write. Before, each went ahead (6
 * restarts, none recorded, each reply saying "failed" although it ran); now one runs, its reply says it ran
 * and was not recorded, and the other five are refused with the reason.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';
import { startHarness } from './bot-harness.js';

afterAll(closeAllTestServers);

/** A write to the state branch (the git data API or the contents API). */
const stateWrite = (method: string, path: string) =>
  method !== 'GET' && /\/git\/(blobs|trees|commits|refs)|\/contents\//.test(path);

describe.each([
  ['500', { serverError: { times: Number.POSITIVE_INFINITY, status: 500, match: stateWrite } }],
  [
    'a secondary rate limit (403)',
    { secondaryRateLimit: { times: Number.POSITIVE_INFINITY, match: stateWrite } },
  ],
])('GitHub answering %s to every state write', (_label, faults) => {
  it('6 concurrent /restart api: one restart, its reply says it is unrecorded, five refusals', async () => {
    const target = await startTestServer({ kind: 'status', status: 200 });
    const config = [
      'successThreshold: 1',
      'restartBudget: 2',
      'services:',
      '  api:',
      `    url: ${target.origin}/health`,
      `    recovery: { provider: webhook, url: "${target.origin}/restart" }`,
      '',
    ].join('\n');
    const h = await startHarness(config, {
      env: { UPTIME_ALLOWED_PROVIDERS: 'webhook', UPTIME_PRIVATE_TARGETS: 'allow' },
    });
    Object.assign(h.stub.faults, faults);
    try {
      await Promise.all(Array.from({ length: 6 }, () => h.comment('/restart api')));
      await h.bot.idle();
      const restarts = target.log.filter((r) => r.method === 'POST' && r.url === '/restart').length;
      expect(restarts).toBe(1);
      const replies = h.replies();
      expect(replies).toHaveLength(6);
      const ran = replies.filter((r) => r.includes('Restarted'));
      expect(ran).toHaveLength(1);
      expect(ran[0]).toContain('not recorded in the shared state');
      expect(ran[0]).not.toContain('failed');
      const refused = replies.filter((r) => r.includes("the shared state can't be written"));
      expect(refused).toHaveLength(5);
      expect(refused[0]).toContain('at most one runs per');
    } finally {
      await h.close();
      await target.close();
    }
  });
});
