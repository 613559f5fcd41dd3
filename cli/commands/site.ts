import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { StateWithHistory } from '../../src/history/state.js';
import { renderSite } from '../../src/site/index.js';
import { UsageError } from '../args.js';
import { loadCliConfig, type CommandContext } from '../context.js';
import { buildDeps } from '../deps.js';

/** Issue links from the Actions environment (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`), when set. */
export function issueUrlFromEnv(env: NodeJS.ProcessEnv): ((n: number) => string) | undefined {
  const repo = env.GITHUB_REPOSITORY;
  if (!repo || !/^[\w.-]+\/[\w.-]+$/.test(repo)) return undefined;
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  return (n) => `${server}/${repo}/issues/${n}`;
}

/**
 * `uptime-action site --out DIR [--title T]`: renders the status site (index.html, status.json, badges/) from
 * the local state file (`--state`, default `.uptime/state.json`) into DIR. Exit 0; 2 without --out.
 */
export async function siteCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  if (!args.out) throw new UsageError('site needs a folder to write to: uptime-action site --out public');
  const config = await loadCliConfig(ctx);
  const { store } = buildDeps(config, {
    env: io.env,
    logger: ctx.logger,
    statePath: args.state,
    incidents: 'none',
  });
  const state = (await store.read()) as StateWithHistory;
  const files = renderSite(config, state, {
    now: ctx.now(),
    title: args.title,
    issueUrl: issueUrlFromEnv(io.env),
  });
  const out = resolve(io.cwd ?? '.', args.out);
  for (const [path, content] of Object.entries(files)) {
    const target = join(out, path);
    // Paths come from validated service keys; this guards against a future change letting one escape.
    if (!target.startsWith(out)) throw new Error(`Refusing to write ${path} outside ${out}.`);
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, content);
  }
  if (Object.keys(state.services).length === 0)
    io.err(
      `No checks recorded yet in ${args.state}: the page shows "no data" until \`uptime-action check\` runs.`,
    );
  io.out(`Wrote ${Object.keys(files).length} files to ${out} (open ${join(out, 'index.html')}).`);
  return 0;
}
