import { afterEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { providerFor } from '../../src/providers/registry.js';
import { serviceWith, testContext } from './context.js';

const render = providerFor('render');
const service = serviceWith({ provider: 'render', serviceId: 'srv-1' });
const env = { RENDER_API_KEY: 'rnd_secret_key_123' };
// Shaped as Render's public reference: GET /v1/services/{serviceId}/deploys.
const deploys = [
  {
    deploy: {
      id: 'dep-3',
      status: 'update_failed',
      createdAt: '2026-11-30T19:00:00Z',
      commit: { id: 'c3', message: 'break it' },
    },
    cursor: 'a',
  },
  {
    deploy: {
      id: 'dep-2',
      status: 'deactivated',
      createdAt: '2026-11-29T19:00:00Z',
      commit: { id: 'c2', message: 'good' },
    },
    cursor: 'b',
  },
  { deploy: { id: 'dep-1', status: 'deactivated', createdAt: '2026-11-28T19:00:00Z' }, cursor: 'c' },
];

afterEach(() => {
  nock.cleanAll();
});

describe('Render deployments and rollback (issue 13)', () => {
  it('names the latest deploy and the previous successful one', async () => {
    nock.disableNetConnect();
    const scope = nock('https://api.render.com', {
      reqheaders: { authorization: `Bearer ${env.RENDER_API_KEY}` },
    })
      .get('/v1/services/srv-1/deploys')
      .query({ limit: '20' })
      .reply(200, deploys);
    const history = await render.deployments!(service, testContext(env).ctx);
    expect(history.latest).toMatchObject({
      id: 'dep-3',
      status: 'update_failed',
      commitSha: 'c3',
      commitMessage: 'break it',
    });
    expect(history.previousSuccessful).toMatchObject({ id: 'dep-2', commitSha: 'c2' });
    expect(scope.isDone()).toBe(true);
  });

  it('rolls back to the previous successful deploy with POST /rollback { deployId }', async () => {
    nock.disableNetConnect();
    const scope = nock('https://api.render.com')
      .get('/v1/services/srv-1/deploys')
      .query(true)
      .reply(200, deploys)
      .post('/v1/services/srv-1/rollback', { deployId: 'dep-2' })
      .reply(201, { id: 'dep-4', status: 'created' });
    const result = await render.rollback!(service, testContext(env).ctx, {});
    expect(result).toEqual({
      ok: true,
      detail: 'Render rolled back to deploy dep-2 (new deploy dep-4)',
      deploymentId: 'dep-4',
    });
    expect(scope.isDone()).toBe(true);
  });

  it('a dry run only names the target and sends no rollback', async () => {
    nock.disableNetConnect();
    nock('https://api.render.com').get('/v1/services/srv-1/deploys').query(true).reply(200, deploys);
    const result = await render.rollback!(service, testContext(env).ctx, { dryRun: true });
    expect(result.detail).toBe('would roll back to Render deploy dep-2');
  });
});
