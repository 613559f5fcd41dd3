import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { StateWithHistory } from '../../src/history/state.js';
import { loadSiteConfig } from '../../src/config/site-config.js';
import { renderSite } from '../../src/site/index.js';
import { parseStateData } from '../../src/state/schema.js';
import { UsageError } from '../args.js';
import { loadCliConfig, type CommandContext } from '../context.js';

/** Issue links from the Actions environment (`GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`), when set. */
export function issueUrlFromEnv(env: NodeJS.ProcessEnv): ((n: number) => string) | undefined {
  const repo = env.GITHUB_REPOSITORY;
  if (!repo || !/^[\w.-]+\/[\w.-]+$/.test(repo)) return undefined;
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  return (n) => `${server}/${repo}/issues/${n}`;
}

/**
 * `uptime-action site --out DIR [--title T]`: renders the status site (index.html, status.json, badges/) from
 * the local state file (`--state`, default `.uptime/state.json`) into DIR. Needs none of the config's secrets
 * (`loadSiteConfig`: only names, `statusPage`, `slo`), so a Pages job renders it with no token at all.
 * Exit 0 written; 1 no usable state file (missing, not JSON, not a state): never a page with nothing on it
 * that hides the fault; 2 bad config or options.
 */
export async function siteCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  if (!args.out) throw new UsageError('site needs a folder to write to: uptime-action site --out public');
  const config = await loadCliConfig(ctx, loadSiteConfig);
  const statePath = resolve(io.cwd ?? '.', args.state);
  const { state, problems } = await readSiteState(statePath);
  for (const problem of problems)
    io.err(`⚠️  State file ${args.state}: ${problem}; the page shows the rest.`);
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
    io.err(`No checks recorded yet in ${args.state}: the page shows "no data" until a sweep records some.`);
  io.out(`Wrote ${Object.keys(files).length} files to ${out} (open ${join(out, 'index.html')}).`);
  return 0;
}

/**
 * The state file, read only (nothing set aside, nothing rewritten). A file that is missing, not JSON or not a
 * version-1 state is an error: a Pages job must fail rather than publish an empty page over a good one. Parts
 * that are malformed are dropped and named in `problems` (the rest is still worth showing).
 */
export async function readSiteState(path: string): Promise<{ state: StateWithHistory; problems: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT')
      throw new Error(
        `No state file at ${path}. The page is rendered from the state the checks record: run \`uptime-action sweep\` first, ` +
          'or in a Pages workflow let the uptime workflow run once (it creates state.json on the uptime-state branch), ' +
          'and point --state at it.',
      );
    throw new Error(`State file ${path} can't be read (${code ?? String(error)}). Check its permissions.`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `State file ${path} is not JSON (${error instanceof Error ? error.message : String(error)}), so there is ` +
        'nothing to render; no page was written. Check that --state points at the state.json the uptime workflow ' +
        'writes (on the uptime-state branch); its next run rewrites a damaged one.',
    );
  }
  const { state, problems } = parseStateData(data);
  const version =
    typeof data === 'object' && data !== null ? (data as { version?: unknown }).version : undefined;
  if (version !== 1)
    throw new Error(
      `State file ${path} is not an uptime-action state (${problems[0] ?? 'version 1 expected'}); no page was ` +
        'written. Check that --state points at the state.json the uptime workflow writes.',
    );
  return { state, problems };
}
