import { SmeeClient } from 'smee-client';
import type { Logger } from '../src/util/logger.js';

/**
 * Local development: when `WEBHOOK_PROXY_URL` is a smee.io channel (https://smee.io/new), the GitHub App's
 * webhook URL points at the channel and this forwards every event from it to the local server, as
 * `probot run` does. Uses smee-client directly (a dependency), not Probot's npx download.
 */

export interface WebhookProxyOptions {
  /** The channel URL (`WEBHOOK_PROXY_URL`). */
  source: string;
  /** The local webhook URL. */
  target: string;
  logger: Logger;
  /** For tests: smee-client's fetch. */
  fetch?: typeof fetch;
}

/** Starts forwarding; `stop()` closes the event stream. */
export async function startWebhookProxy(options: WebhookProxyOptions): Promise<{ stop(): Promise<void> }> {
  const { logger } = options;
  const client = new SmeeClient({
    source: options.source,
    target: options.target,
    fetch: options.fetch,
    logger: {
      info: (...args: unknown[]) => logger.info(`Webhook proxy: ${args.map(String).join(' ')}`),
      error: (...args: unknown[]) => logger.error(`Webhook proxy: ${args.map(String).join(' ')}`),
    },
  });
  await client.start();
  logger.info(`Forwarding webhooks from ${options.source} to ${options.target}.`);
  return { stop: () => client.stop() };
}
