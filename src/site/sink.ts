import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import { describeError, type GitHubClient, type RepoRef } from '../github/client.js';
import {
  BlobSchema,
  CommitSchema,
  parseAnswer,
  RefSchema,
  requestData,
  ShaSchema,
  TreeSchema,
} from '../github/request.js';
import { z } from 'zod';

/** The one field of the published `status.json` read back: when it was rendered. */
const GeneratedAtSchema = z.object({ generatedAt: z.string().optional() });
import { hourStart } from '../history/record.js';
import { renderSite } from './index.js';
import type { UptimeState } from '../state/types.js';

/**
 * The status site kept under `site/` on the state branch (docs/architecture.md, "A sweep", step 5): rendered with `now` rounded down to the
 * hour (so a re-render within the hour is byte-identical), compared with what is on the branch by git blob
 * sha (no download), and committed only when a file differs, at most once an hour. Its own commit beside the
 * state's (the state is written through the contents API with compare-and-swap on its blob).
 */

/** Where the site's files live. */
export interface SiteSink {
  /** Git blob sha of each file now published (path relative to the site folder); empty when none. */
  current(): Promise<{ files: Record<string, string>; generatedHour?: number }>;
  /** Replaces the published files with `files` (and removes `remove`) in one commit. */
  write(files: Record<string, string>, remove: string[], message: string): Promise<void>;
}

/** What {@link publishSite} did. */
export interface SitePublishResult {
  written: boolean;
  /** Why (for the log): `already written this hour`, `unchanged`, `3 files changed`. */
  reason: string;
}

/** Git's blob sha of a text file's content. */
export function gitBlobSha(content: string): string {
  const body = Buffer.from(content, 'utf8');
  return createHash('sha1').update(`blob ${body.length}\0`).update(body).digest('hex');
}

/** Renders the site for the current hour and writes what changed, at most hourly. */
export async function publishSite(
  config: Config,
  state: UptimeState,
  now: number,
  sink: SiteSink,
  options: { issueUrl?: (n: number) => string | undefined } = {},
): Promise<SitePublishResult> {
  const hour = hourStart(now);
  const published = await sink.current();
  if (published.generatedHour === hour) return { written: false, reason: 'already written this hour' };
  const files = renderSite(config, state, { now: hour, issueUrl: options.issueUrl });
  const changed = Object.keys(files).filter((path) => published.files[path] !== gitBlobSha(files[path]));
  const remove = Object.keys(published.files).filter((path) => !(path in files));
  if (changed.length === 0 && remove.length === 0) return { written: false, reason: 'unchanged' };
  const upload = Object.fromEntries(changed.map((path) => [path, files[path]]));
  await sink.write(upload, remove, `Status page for ${new Date(hour).toISOString().slice(0, 13)}:00Z`);
  return { written: true, reason: `${changed.length + remove.length} files changed` };
}

/** Options of {@link GitHubSiteSink}. */
export interface GitHubSiteSinkOptions extends RepoRef {
  client: GitHubClient;
  /** The state branch. */
  branch: string;
  /** @default "site" */
  folder?: string;
}

/** The site under `site/` on the state branch, through the git data API (one commit per write). */
export class GitHubSiteSink implements SiteSink {
  private base?: { commit: string; tree: string };
  constructor(private readonly options: GitHubSiteSinkOptions) {}

  private get folder(): string {
    return this.options.folder ?? 'site';
  }

  async current(): Promise<{ files: Record<string, string>; generatedHour?: number }> {
    const { client, owner, repo, branch } = this.options;
    const ref = await requestData(
      client,
      'GET /repos/{owner}/{repo}/git/ref/{ref}',
      { owner, repo, ref: `heads/${branch}` },
      RefSchema,
    );
    const commit = await requestData(
      client,
      'GET /repos/{owner}/{repo}/git/commits/{commit_sha}',
      { owner, repo, commit_sha: ref.object.sha },
      CommitSchema,
    );
    this.base = { commit: commit.sha, tree: commit.tree.sha };
    const tree = await requestData(
      client,
      'GET /repos/{owner}/{repo}/git/trees/{tree_sha}',
      { owner, repo, tree_sha: this.base.tree, recursive: 'true' },
      TreeSchema,
    );
    const prefix = `${this.folder}/`;
    const files: Record<string, string> = {};
    for (const entry of tree.tree)
      if (entry.type === 'blob' && entry.path.startsWith(prefix))
        files[entry.path.slice(prefix.length)] = entry.sha;
    return { files, generatedHour: await this.generatedHour(files['status.json']) };
  }

  async write(files: Record<string, string>, remove: string[], message: string): Promise<void> {
    const { client, owner, repo, branch } = this.options;
    const base = this.base ?? (await this.current(), this.base);
    if (!base) throw new Error(`could not read ${branch} to publish the status page`);
    const tree = [
      ...Object.entries(files).map(([path, content]) => ({
        path: `${this.folder}/${path}`,
        mode: '100644',
        type: 'blob',
        content,
      })),
      ...remove.map((path) => ({ path: `${this.folder}/${path}`, mode: '100644', type: 'blob', sha: null })),
    ];
    try {
      const made = await requestData(
        client,
        'POST /repos/{owner}/{repo}/git/trees',
        { owner, repo, base_tree: base.tree, tree },
        ShaSchema,
      );
      const commit = await requestData(
        client,
        'POST /repos/{owner}/{repo}/git/commits',
        { owner, repo, message, tree: made.sha, parents: [base.commit] },
        ShaSchema,
      );
      // Not forced: a state write in between makes this fail; the next run publishes instead.
      await client.request('PATCH /repos/{owner}/{repo}/git/refs/{ref}', {
        owner,
        repo,
        ref: `heads/${branch}`,
        sha: commit.sha,
        force: false,
      });
    } catch (error) {
      throw new Error(
        `could not publish the status page to ${branch}/${this.folder}/ (${describeError(error)}); the next run tries again`,
        { cause: error },
      );
    } finally {
      this.base = undefined;
    }
  }

  private async generatedHour(sha: string | undefined): Promise<number | undefined> {
    if (!sha) return undefined;
    const { client, owner, repo } = this.options;
    const blob = await requestData(
      client,
      'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
      { owner, repo, file_sha: sha },
      BlobSchema,
    );
    try {
      const text = Buffer.from(blob.content ?? '', 'base64').toString('utf8');
      const doc = parseAnswer('site/status.json', JSON.parse(text), GeneratedAtSchema);
      const at = Date.parse(doc.generatedAt ?? '');
      return Number.isFinite(at) ? at : undefined;
    } catch {
      return undefined;
    }
  }
}

/** After a failed publish, the watch tries again this much later (ms). */
const SITE_RETRY_MS = 10 * 60_000;

/**
 * Keeps a site fresh from a long-running watch: {@link publishSite} at most once an hour (the first sweep of
 * each hour), again {@link SITE_RETRY_MS} after a failure. Never throws: a failure is a warning.
 */
export class SiteKeeper {
  /** Files committed/written so far (a write = one commit or one folder update). */
  writes = 0;
  /** Publishes that failed. */
  failures = 0;
  private doneHour?: number;
  private retryAt = 0;

  constructor(
    private readonly sink: SiteSink,
    private readonly logger: { info(message: string): void; warn(message: string): void },
  ) {}

  /** Publishes when this hour's site was not yet published (or a retry is due); returns whether it wrote. */
  async keep(config: Config, state: UptimeState, now: number): Promise<boolean> {
    const hour = hourStart(now);
    if (this.doneHour === hour || now < this.retryAt) return false;
    try {
      const result = await publishSite(config, state, now, this.sink);
      this.doneHour = hour;
      if (result.written) this.writes++;
      return result.written;
    } catch (error) {
      this.failures++;
      this.retryAt = now + SITE_RETRY_MS;
      this.logger.warn(
        `Status page not published: ${error instanceof Error ? error.message : String(error)} (trying again in 10 minutes).`,
      );
      return false;
    }
  }
}
