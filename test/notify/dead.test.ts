import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sendNotifications } from '../../src/notify/index.js';
import { notifySchema, type NotifyTarget } from '../../src/config/notify.js';
import { deadPort, startReceiver, type Receiver } from './receiver.js';
import type { NotificationEvent } from '../../src/state/types.js';

const event: NotificationEvent = {
  id: 'api:down:1',
  service: 'api',
  serviceName: 'API',
  transition: 'down',
  at: Date.UTC(2026, 10, 30),
  reason: 'HTTP 503',
};
const SLACK_TOKEN = 'T0000/B0000/abcdefghijklmnopqrstuvwx';

let hanging: Receiver;
let platform: Receiver;
let echo: Receiver;
beforeAll(async () => {
  [hanging, platform, echo] = await Promise.all([startReceiver(), startReceiver(), startReceiver()]);
  hanging.answer = 'hang';
});
afterAll(() => Promise.all([hanging.close(), platform.close(), echo.close()]));

describe('a dead receiver delays nothing', () => {
  it('connection refused: retried with the shared policy, then one redacted failure for the timeline', async () => {
    const port = await deadPort();
    const targets = notifySchema.parse([
      { type: 'slack', url: `http://127.0.0.1:${port}/services/${SLACK_TOKEN}` },
    ]) as NotifyTarget[];
    const waits: number[] = [];
    const result = await sendNotifications(targets, [event], {
      timeoutMs: 5000,
      retries: 2,
      sleep: async (ms) => {
        waits.push(ms);
      },
    });
    expect(waits).toHaveLength(2);
    expect(result.sent).toBe(0);
    expect(result.failures).toHaveLength(1);
    const [failure] = result.failures;
    expect(failure).toMatchObject({ eventId: 'api:down:1', service: 'api', target: 'slack #1' });
    expect(failure.message).toMatch(/could not connect \(ECONNREFUSED\)/);
    expect(failure.message).not.toContain(SLACK_TOKEN);
  });

  it('a hanging receiver: recovery runs to the end while the message waits, which gives up at its timeout', async () => {
    const targets = notifySchema.parse([
      { type: 'discord', url: `${hanging.origin}/api/webhooks/1/${SLACK_TOKEN}` },
    ]) as NotifyTarget[];
    // The engine's order: write the state, start notifications (not awaited), recover.
    const notifying = sendNotifications(targets, [event], { timeoutMs: 300, retries: 2 });
    let settled = false;
    void notifying.then(() => (settled = true));
    const restart = await fetch(`${platform.origin}/restart`, { method: 'POST' });
    expect(restart.status).toBe(200);
    // Recovery finished while the receiver had the message and had not answered.
    expect(settled).toBe(false);
    const result = await notifying;
    expect(hanging.requests.length).toBeGreaterThanOrEqual(1);
    expect(result.failures[0].message).toMatch(/no answer within 300ms/);
    expect(result.failures[0].message).not.toContain(SLACK_TOKEN);
  });

  it('a receiver echoing secrets and markup in its error: one line, redacted, not retried on 400', async () => {
    echo.answer = (_req, res) => {
      res.statusCode = 400;
      res.end(`bad token 123456:SECRETtoken\n<script>x</script>\r\nX-Evil: 1 ${'y'.repeat(5000)}`);
    };
    const targets = notifySchema.parse([
      { type: 'telegram', botToken: '123456:SECRETtoken', chatId: '42' },
    ]) as NotifyTarget[];
    const result = await sendNotifications(targets, [event], {
      env: { TELEGRAM_API_URL: echo.origin },
      timeoutMs: 5000,
    });
    expect(echo.requests).toHaveLength(1);
    const { message } = result.failures[0];
    expect(message).toMatch(/HTTP 400 bad token \*\*\*/);
    expect(message).not.toContain('SECRETtoken');
    expect(message).not.toMatch(/[\r\n]/);
    expect(message.length).toBeLessThan(600);
  });
});

describe('failureTimelineEntry', () => {
  it('defuses mentions and markup a receiver echoed', async () => {
    const { failureTimelineEntry } = await import('../../src/notify/index.js');
    const entry = failureTimelineEntry({
      eventId: 'a',
      service: 'api',
      target: 'slack #1',
      message: 'HTTP 400 @everyone <img src=x>',
    });
    // HTML is dropped (the shared neutralize of src/util/redact.ts), the mention broken.
    expect(entry).toBe('⚠️ HTTP 400 @\u200beveryone ');
  });
});
