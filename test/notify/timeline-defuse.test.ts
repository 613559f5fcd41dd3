import { afterAll, describe, expect, it } from '@jest/globals';
import { failureTimelineEntry, sendNotifications } from '../../src/notify/index.js';
import { notifySchema, type NotifyTarget } from '../../src/config/notify.js';
import { closeAllTestServers, startTestServer } from '../helpers/servers.js';

afterAll(closeAllTestServers);

describe("a receiver's error body in the incident timeline", () => {
  it('has no live image, link, autolink, HTML or mention', async () => {
    const hostile =
      '![pixel](https://evil.example/track.png) [click me](https://evil.example/phish) https://evil.example/x www.evil.example <img src=x onerror=alert(1)> @octocat';
    const receiver = await startTestServer({ kind: 'status', status: 400, body: hostile });
    const targets = notifySchema.parse([{ type: 'webhook', url: receiver.url }]) as NotifyTarget[];
    const result = await sendNotifications(
      targets,
      [{ id: 'api:down:1', service: 'api', serviceName: 'API', transition: 'down', at: 0, reason: 'x' }],
      { retries: 0 },
    );
    const entry = failureTimelineEntry(result.failures[0]);
    expect(entry).toContain('HTTP 400');
    expect(entry).not.toMatch(/!\[[^\]]*\]\(/); // image
    expect(entry).not.toMatch(/\]\(https?:/); // link
    expect(entry).not.toMatch(/https?:\/\//); // autolink
    expect(entry).not.toMatch(/\bwww\.evil/);
    expect(entry).not.toContain('<img');
    expect(entry).not.toMatch(/@octocat/);
  });
});
