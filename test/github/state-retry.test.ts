import { afterEach, describe, expect, test } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { GitHubStateStore } from '../../src/state/github.js';
import { virtualClock } from '../../src/util/clock.js';
import { memoryLogger, testOctokit } from './fixtures.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A GitHub that answers the contents GET with the given statuses in turn, then 404 (no state yet). */
async function answering(statuses: number[]) {
  const seen: number[] = [];
  server = createServer((req, res) => {
    const status = statuses[seen.length] ?? 404;
    seen.push(status);
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: status === 404 ? 'Not Found' : 'Server Error' }));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  const clock = virtualClock(0);
  const store = new GitHubStateStore({
    owner: 'acme',
    repo: 'site',
    client: testOctokit(`http://127.0.0.1:${port}`),
    clock,
    logger: memoryLogger(),
  });
  return { store, seen, clock };
}

describe('the state read under the shared retry policy', () => {
  test('two 502s then an answer: read on the third try, the client adding no retries of its own', async () => {
    const { store, seen, clock } = await answering([502, 502]);
    await expect(store.read()).resolves.toMatchObject({ services: {} });
    expect(seen).toEqual([502, 502, 404]);
    expect(clock.now()).toBeGreaterThan(0); // waited (virtually) between tries
  });

  test('a 5xx that persists: 3 tries in all, then an error naming the state and the status', async () => {
    const { store, seen } = await answering([503, 503, 503, 503, 503]);
    await expect(store.read()).rejects.toThrow(/could not read the state \(HTTP 503/);
    expect(seen).toHaveLength(3);
  });

  test('403 is in the do-not-retry list: one try', async () => {
    const { store, seen } = await answering([403]);
    await expect(store.read()).rejects.toThrow(/HTTP 403.*permission/);
    expect(seen).toHaveLength(1);
  });
});
