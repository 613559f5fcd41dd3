import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import nock from 'nock';
import { performAction } from '../../src/providers/actions.js';
import { providerFor } from '../../src/providers/registry.js';
import { ProviderError } from '../../src/providers/types.js';
import { serviceWith, testContext } from './context.js';

const API = 'https://api.machines.dev';
const TOKEN = 'fly_secret_token_123456';
const fly = providerFor('fly');
const service = serviceWith({ provider: 'fly', app: 'coqui-app' });
const env = { FLY_API_TOKEN: TOKEN };

// Shaped as the Machines resource reference's "List Machines" answer (fields we do not read trimmed).
const machine = (id: string, state: string, updated: string, release: string, version: number) => ({
  id,
  name: `machine-${id}`,
  state,
  region: 'ams',
  instance_id: '01J0000000000000000000000',
  private_ip: 'fdaa:0:1:a7b:1::2',
  created_at: '2026-11-01T10:00:00Z',
  updated_at: updated,
  image_ref: {
    registry: 'registry.fly.io',
    repository: 'coqui-app',
    tag: `deployment-${release}`,
    digest: `sha256:${release.toLowerCase()}`,
    labels: {},
  },
  config: {
    image: `registry.fly.io/coqui-app:deployment-${release}`,
    guest: { cpu_kind: 'shared', cpus: 1, memory_mb: 256 },
    metadata: { fly_release_id: release, fly_release_version: String(version), fly_process_group: 'app' },
  },
  events: [{ type: 'start', status: 'started', source: 'flyd', timestamp: 1764496800000 }],
});

beforeEach(() => {
  nock.disableNetConnect();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
});

describe('Fly.io forensics over the Machines API (issue 13)', () => {
  it("names the app's current release from the newest-updated machine; no previous one (no history there)", async () => {
    const scope = nock(API, { reqheaders: { authorization: `Bearer ${TOKEN}` } })
      .get('/v1/apps/coqui-app/machines')
      .reply(200, [
        machine('m1', 'started', '2026-11-30T19:00:00Z', 'OLDREL', 6),
        machine('m2', 'stopped', '2026-11-30T19:05:00Z', 'NEWREL', 7),
      ]);
    const history = await fly.deployments!(service, testContext(env).ctx);
    expect(history).toEqual({
      latest: {
        id: 'NEWREL',
        status: '1 started, 1 stopped',
        createdAt: '2026-11-30T19:05:00Z',
        image: 'registry.fly.io/coqui-app:deployment-NEWREL',
        version: 'v7',
      },
    });
    expect(history.previousSuccessful).toBeUndefined();
    expect(scope.isDone()).toBe(true);
  });

  it('offers neither logs nor rollback, and a rollback step is refused plainly without a request', async () => {
    expect(fly.logs).toBeUndefined();
    expect(fly.rollback).toBeUndefined();
    const error = await performAction(fly, 'rollback', service, testContext(env).ctx).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as Error).message).toContain(
      "this platform offers no rollback: Fly's Machines API keeps no release history",
    );
    expect((error as ProviderError).details.fix).toContain('fly deploy --image <previous image>');
  });
});
