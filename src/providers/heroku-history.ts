/**
 * Heroku forensics and rollback (docs/recovery.md), per the Platform API reference
 * (https://devcenter.heroku.com/articles/platform-api-reference):
 * - releases: `GET /apps/{app}/releases` with `Range: version ..; order=desc, max=N` (newest first);
 *   the commit comes from the release's slug (`GET /apps/{app}/slugs/{id}` → `commit`, `commit_description`).
 * - rollback: `POST /apps/{app}/releases` with `{ release: <id> }` creates a new release of that one.
 * - logs: `POST /apps/{app}/log-sessions` with `{ lines, source: 'app', tail: false }`, then a GET of the
 *   answered `logplex_url` (a signed URL: no API key is sent there, and it never appears in a message).
 *   Heroku's log session is per app, not per release: `deploymentId` does not narrow it.
 */
import * as z from 'zod/mini';
import { anyAnswer, providerError, requestJson, type CallSite } from './http.js';
import type { HerokuCall } from './heroku.js';
import { cleanLogLines, logLimit } from './logs.js';
import type {
  ActionResult,
  Deployment,
  DeploymentHistory,
  LogLine,
  LogsOptions,
  ProviderContext,
  RollbackOptions,
  ProviderService,
} from './types.js';

/** A release as the Platform API lists it; extra keys are kept. */
export const herokuRelease = z.looseObject({
  id: z.string(),
  version: z.number(),
  status: z.string(),
  created_at: z.string(),
  description: z.optional(z.nullable(z.string())),
  current: z.optional(z.boolean()),
  eligible_for_rollback: z.optional(z.boolean()),
  slug: z.optional(z.nullable(z.looseObject({ id: z.string() }))),
});
type Release = z.output<typeof herokuRelease>;
const herokuSlug = z.looseObject({
  commit: z.optional(z.nullable(z.string())),
  commit_description: z.optional(z.nullable(z.string())),
});
const logSession = z.looseObject({ id: z.optional(z.string()), logplex_url: z.string() });

/** Heroku's own cap on `lines` of a log session. */
const HEROKU_MAX_LINES = 1500;

/** The newest release and the newest succeeded one before it (with commit sha and message from their slugs). */
export async function herokuDeployments(call: HerokuCall, app: string): Promise<DeploymentHistory> {
  const { body } = await call(z.array(herokuRelease), {
    path: `/apps/${encodeURIComponent(app)}/releases`,
    headers: { range: 'version ..; order=desc, max=20' },
  });
  const releases = [...body].sort((a, b) => b.version - a.version);
  const [latest, ...older] = releases;
  const previous = older.find((r) => r.status === 'succeeded' && r.eligible_for_rollback !== false);
  return {
    latest: latest && (await toDeployment(call, app, latest)),
    previousSuccessful: previous && (await toDeployment(call, app, previous)),
  };
}

async function toDeployment(call: HerokuCall, app: string, release: Release): Promise<Deployment> {
  const deployment: Deployment = {
    id: release.id,
    status: release.status,
    createdAt: release.created_at,
    version: `v${release.version}`,
    // `Deploy 1a2b3c4`, `Rollback to v41`, `Set FOO config vars`: the release's own account of itself.
    ...(release.description ? { commitMessage: release.description.slice(0, 500) } : {}),
  };
  if (!release.slug) return deployment;
  const { body: slug } = await call(herokuSlug, {
    path: `/apps/${encodeURIComponent(app)}/slugs/${encodeURIComponent(release.slug.id)}`,
  });
  if (slug.commit) deployment.commitSha = slug.commit.slice(0, 64);
  if (slug.commit_description) deployment.commitMessage = slug.commit_description.slice(0, 500);
  return deployment;
}

/** Rolls back to `toDeploymentId` or the previous succeeded release; `dryRun` only names it. */
export async function herokuRollback(
  call: HerokuCall,
  ctx: ProviderContext,
  service: ProviderService,
  app: string,
  options: RollbackOptions = {},
): Promise<ActionResult> {
  const site: CallSite = { service, provider: 'heroku', operation: 'rollback' };
  let target = options.toDeploymentId;
  let what = `release ${target}`;
  if (!target) {
    const previous = (await herokuDeployments(call, app)).previousSuccessful;
    if (!previous) {
      throw providerError(
        site,
        `app ${app} has no earlier succeeded release to roll back to`,
        'Pass the release to roll back to (`heroku releases -a <app>`), or restart instead.',
        { env: ctx.env },
      );
    }
    target = previous.id;
    what = `release ${previous.id}${previous.commitSha ? ` (commit ${previous.commitSha.slice(0, 7)})` : ''}`;
  }
  if (options.dryRun)
    return { ok: true, detail: `would roll back ${app} to Heroku ${what}`, deploymentId: target };
  const { body } = await call(herokuRelease, {
    method: 'POST',
    path: `/apps/${encodeURIComponent(app)}/releases`,
    body: { release: target },
  });
  return {
    ok: body.status !== 'failed',
    detail: `Heroku rolled ${app} back to ${what} as v${body.version} (${body.status})`,
    deploymentId: body.id,
  };
}

/** The app's last log lines (source `app`) before `options.before`, redacted, oldest first. */
export async function herokuLogs(
  call: HerokuCall,
  ctx: ProviderContext,
  site: CallSite,
  app: string,
  options: LogsOptions,
): Promise<LogLine[]> {
  const { body } = await call(logSession, {
    method: 'POST',
    path: `/apps/${encodeURIComponent(app)}/log-sessions`,
    body: { lines: Math.min(HEROKU_MAX_LINES, logLimit(options)), source: 'app', tail: false },
  });
  const url = body.logplex_url;
  if (!isSafeLogplexUrl(url)) {
    throw providerError(
      site,
      'Heroku answered a log session URL that is not https',
      'Check HEROKU_API_URL points at the Heroku Platform API (https://api.heroku.com).',
      { env: ctx.env, secrets: [url] },
    );
  }
  // A signed URL on another host: no Heroku key goes there, and the URL itself is a secret.
  const { text } = await requestJson(anyAnswer, ctx, {
    ...site,
    operation: `${site.operation} (read log session)`,
    url,
    secrets: [url, new URL(url).search.slice(1)].filter((s) => s.length >= 4),
    fix: () => 'The log session expired or Heroku refused it; try again (sessions last a few minutes).',
  });
  const lines = text
    .split('\n')
    .filter((l) => l.trim())
    .map(parseLogplexLine);
  return cleanLogLines(lines, ctx, options, [url]);
}

/** Only https (plain http only on loopback, for local tests): never file:, data: or a cleartext remote host. */
function isSafeLogplexUrl(url: string): boolean {
  try {
    const u = new URL(url);
    return (
      u.protocol === 'https:' ||
      (u.protocol === 'http:' && /^(127\.0\.0\.1|localhost|\[::1\])$/.test(u.hostname))
    );
  } catch {
    return false;
  }
}

/** `2026-11-30T19:00:00.123456+00:00 app[web.1]: message` → timestamp and `app[web.1]: message`. */
export function parseLogplexLine(line: string): LogLine {
  const match = /^(\d{4}-\d\d-\d\dT[\d:.]+(?:Z|[+-]\d\d:?\d\d))\s+(.*)$/.exec(line);
  if (!match) return { message: line };
  const at = new Date(match[1]);
  return Number.isNaN(at.getTime()) ? { message: line } : { timestamp: at.toISOString(), message: match[2] };
}
