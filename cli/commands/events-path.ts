import { repositoryEventsPath } from '../../src/events/listener.js';
import { UsageError } from '../args.js';
import type { CommandContext } from '../context.js';

/**
 * `uptime-action events-path <owner/repo>`: the path on the bot's server where the platform's webhooks for this
 * repository go (`/events/<owner>/<repo>/<key>`, the key derived from the bot's WEBHOOK_SECRET). Run it where
 * the bot's WEBHOOK_SECRET is set; the path is a secret of its own: paste it into the platform, not a file.
 * Exit 0 printed, 2 no WEBHOOK_SECRET or not owner/repo.
 */
export async function eventsPathCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  const [target, ...rest] = args.positionals;
  const match = /^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/.exec(target ?? '');
  if (!match || rest.length)
    throw new UsageError(
      'events-path: give one repository as owner/repo, e.g. uptime-action events-path acme/api',
      'events-path',
    );
  const secret = io.env.WEBHOOK_SECRET;
  if (!secret)
    throw new UsageError(
      "events-path: WEBHOOK_SECRET is not set; run it with the bot's WEBHOOK_SECRET in the environment (the key is derived from it).",
      'events-path',
    );
  io.out(`/events/${repositoryEventsPath(secret, match[1], match[2])}`);
  return 0;
}
