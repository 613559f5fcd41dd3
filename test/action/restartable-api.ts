import { parseConfig } from '../../src/config/load.js';
import type { Provider } from '../../src/providers/types.js';
import type { Clock } from '../../src/util/clock.js';
import { stubServices } from '../github/fixtures.js';
import type { GitHubStub } from '../helpers/github-stub.js';
import type { TestServer } from '../helpers/servers.js';

/**
 * The Action's wiring against the fake GitHub for one service `api` (extreme mode) whose restart works: the
 * webhook provider's restart makes the loopback service answer 200 and calls `onRestart`.
 */
export function restartableApi(github: GitHubStub, api: TestServer, clock: Clock, onRestart: () => void) {
  const provider: Provider = {
    type: 'webhook',
    restart: async () => {
      onRestart();
      api.set({ kind: 'up' });
      return { ok: true, detail: 'restarted' };
    },
    redeploy: async () => ({ ok: false, detail: 'not needed here' }),
  };
  const config = parseConfig(
    {
      mode: 'extreme',
      services: {
        api: { name: 'API', url: api.url, recovery: { provider: 'webhook', url: 'http://127.0.0.1:9/hook' } },
      },
    },
    'test',
  );
  return stubServices(github, config, { clock, provider: () => provider });
}
