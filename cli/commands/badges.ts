import { badgeMarkdown } from '../../src/site/badges.js';
import { UsageError } from '../args.js';
import { loadCliConfig, type CommandContext } from '../context.js';

/**
 * `uptime-action badges --base-url URL`: prints the README Markdown for every service's badges, served as
 * shields endpoint badges from the published site (`statusPage.url` when --base-url is left out).
 */
export async function badgesCommand(ctx: CommandContext): Promise<number> {
  const config = await loadCliConfig(ctx);
  const base = ctx.args.baseUrl ?? config.statusPage?.url;
  if (!base) {
    throw new UsageError(
      'badges needs the address of the published site: uptime-action badges --base-url https://<owner>.github.io/<repo>/ (or set statusPage.url in the config).',
    );
  }
  if (!/^https?:\/\/[^\s"'<>]+$/.test(base))
    throw new UsageError(`--base-url "${base}" is not an http(s) URL.`);
  ctx.io.out(badgeMarkdown(Object.values(config.services), base));
  return 0;
}
