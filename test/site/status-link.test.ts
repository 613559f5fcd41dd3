import { describe, expect, it } from '@jest/globals';
import { handleCommand } from '../../src/commands/handlers.js';
import { parseCommand } from '../../src/commands/parse.js';
import { handlerSetup, testConfig } from '../commands/fixtures.js';

/** The bot's `/status` links the published status page (issue 12) when `statusPage.url` is set. */
async function statusReply(url?: string): Promise<string> {
  const config = testConfig();
  const { ctx } = handlerSetup({ config: url ? { ...config, statusPage: { url } } : config });
  const parsed = parseCommand('/status');
  if (!parsed?.ok) throw new Error('not a command');
  return (await handleCommand({ command: parsed.command, text: parsed.text }, ctx())).reply ?? '';
}

describe('/status and the status page', () => {
  it('links the page when statusPage.url is set', async () => {
    expect(await statusReply('https://acme.github.io/status/')).toContain(
      '[Status page](<https://acme.github.io/status/>)',
    );
  });

  it('says nothing of a page when none is configured', async () => {
    expect(await statusReply()).not.toContain('Status page');
  });

  it('a URL with Markdown in it stays one inert link', async () => {
    const reply = await statusReply('https://acme.github.io/s>[x](https://evil.example)');
    expect(reply).not.toContain('>[x]');
    expect(reply).toContain('https://acme.github.io/s%3E[x](https://evil.example)');
  });
});
