import { describe, expect, it } from '@jest/globals';
import { z } from 'zod';
import type { GitHubClient } from '../../src/github/client.js';
import { GitHubIncidentLog } from '../../src/incidents/github.js';
import { IssueSchema, requestData, UnexpectedAnswerError } from '../../src/github/request.js';
import { parseConfig } from '../../src/config/load.js';
import { memoryLogger } from './fixtures.js';

/** A client whose every answer is `data` (a hostile or broken GitHub, a proxy answering HTML). */
const answering = (data: unknown): GitHubClient => ({
  request: async () => ({ status: 200, data, headers: {} }),
});

describe('GitHub answers are parsed, never cast', () => {
  it('returns the fields the schema names', async () => {
    const issue = { number: 3, title: 't', html_url: 'u', state: 'open', created_at: 'c', labels: ['x'] };
    await expect(
      requestData(answering([issue, { ...issue, number: 4 }]), 'GET /issues', {}, z.array(IssueSchema)),
    ).resolves.toMatchObject([{ number: 3 }, { number: 4 }]);
  });

  it('names the route and the field when the answer lacks what a decision needs', async () => {
    const broken = [{ number: 'three', title: 't' }];
    const error = await requestData(
      answering(broken),
      'GET /repos/{owner}/{repo}/issues',
      {},
      z.array(IssueSchema),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnexpectedAnswerError);
    expect(String(error)).toMatch(/GET \/repos\/\{owner\}\/\{repo\}\/issues .*0\.number/);
  });

  it('an incident lookup answered with HTML fails with a clear error instead of de-duplicating against garbage', async () => {
    const config = parseConfig({ services: { api: { url: 'http://127.0.0.1:1/health' } } }, 'test');
    const log = new GitHubIncidentLog({
      owner: 'acme',
      repo: 'shop',
      client: answering('<html>Bad gateway</html>'),
      logger: memoryLogger(),
    });
    await expect(log.findOpen(config.services.api)).rejects.toThrow(/unexpected shape/);
  });
});
