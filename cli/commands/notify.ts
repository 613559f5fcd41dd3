import { notificationId } from '../../src/notify/events.js';
import { targetLabel } from '../../src/config/notify.js';
import { sendNotifications } from '../../src/notify/send.js';
import { UsageError } from '../args.js';
import { loadCliConfig, type CommandContext } from '../context.js';
import type { NotificationEvent } from '../../src/state/types.js';

/**
 * `uptime-action notify --test`: sends a test message to every `notify:` target and says which arrived.
 * Exit 0 all delivered, 1 any failed, 2 no targets or no --test.
 */
export async function notifyCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  if (!args.test)
    throw new UsageError('notify only sends test messages for now: uptime-action notify --test');
  const config = await loadCliConfig(ctx);
  const targets = config.notify ?? [];
  if (targets.length === 0) {
    throw new UsageError(
      `No notify: targets in ${config.source}. Add one, e.g. notify: [{ type: slack, url: "\${SLACK_WEBHOOK_URL}" }].`,
    );
  }
  const now = ctx.now();
  const event: NotificationEvent = {
    id: notificationId('', 'test', now),
    service: '',
    serviceName: '',
    transition: 'test',
    at: now,
    reason: 'Sent by `uptime-action notify --test`: notifications from uptime-action reach you here.',
    pageUrl: config.statusPage?.url,
  };
  const result = await sendNotifications(targets, [event], { env: io.env });
  const failed = new Map(result.failures.map((f) => [f.target, f.message]));
  targets.forEach((target, index) => {
    const label = targetLabel(target, index);
    io.out(failed.has(label) ? `❌ ${failed.get(label)}` : `✅ ${label}: test message delivered`);
  });
  return result.failures.length ? 1 : 0;
}
