import { z } from 'zod';
import { BlobSchema, ContentWriteSchema, RefSchema, requestData, ShaSchema } from '../github/request.js';
import {
  describeError,
  errorStatus,
  fixFor,
  networkFailure,
  type GitHubClient,
  type RepoRef,
} from '../github/client.js';
import type { Clock } from '../util/clock.js';
import type { Logger } from '../util/logger.js';
import { redactDeep } from '../util/redact.js';
import { DO_NOT_RETRY, withRetry } from '../util/retry.js';
import { emptyState, pruneState } from './records.js';
import { parseStateText } from './schema.js';
import type { StateStore, UptimeState } from './types.js';

/** The branch that holds `state.json`; never the default branch. */
export const DEFAULT_STATE_BRANCH = 'uptime-state';
export const STATE_FILE = 'state.json';

export interface GitHubStateStoreOptions extends RepoRef {
  client: GitHubClient;
  clock: Clock;
  logger: Logger;
  /** @default "uptime-state" */
  branch?: string;
  /** @default "state.json" */
  path?: string;
  /** Attempts after a compare-and-swap conflict. @default 6 */
  retries?: number;
  /** Backoff before the first retry, doubled each time, jittered. @default 250 */
  baseDelayMs?: number;
  random?: () => number;
  /** Retries of a read that got no answer or a 5xx (bounded, so an unreachable GitHub costs seconds). @default 2 */
  readRetries?: number;
  /** Applied to every string of the state before it is written. */
  redact?: (text: string) => string;
  /** Told each write in words (`Created the state branch uptime-state`). */
  onWrite?: (line: string) => void;
}

/** Worth another read: no answer at all, or a 5xx/429; never an answer in the do-not-retry list. */
export function transientGitHubError(error: unknown): boolean {
  if (networkFailure(error)) return true;
  const status = errorStatus(error);
  return status !== undefined && !DO_NOT_RETRY.includes(status) && (status >= 500 || status === 429);
}

interface Snapshot {
  state: UptimeState;
  /** Blob sha of the file; undefined when the file (or the branch) does not exist yet. */
  sha?: string;
}

const needs = 'contents: write';

/**
 * The shared state as `state.json` on its own orphan branch, through the GitHub API. Reads are one GET; `update`
 * writes only when the state changed, with compare-and-swap on the blob sha; on a conflict (409/422) it re-reads
 * and re-applies `change`, so an Action run and a bot command writing at the same moment both survive.
 */
/** The state file from the contents API (`content` absent for a file over 1 MB: read through the blob API). */
const FileSchema = z.object({
  sha: z.string(),
  content: z.string().optional(),
  encoding: z.string().optional(),
});

export class GitHubStateStore implements StateStore {
  private last?: Snapshot;
  private createdBranch = false;
  /** Blob shas of malformed files already kept aside (once each). */
  private readonly keptAside = new Set<string>();
  readonly branch: string;
  readonly path: string;

  constructor(private readonly options: GitHubStateStoreOptions) {
    this.branch = options.branch ?? DEFAULT_STATE_BRANCH;
    this.path = options.path ?? STATE_FILE;
  }

  private get repo(): RepoRef {
    return { owner: this.options.owner, repo: this.options.repo };
  }

  async read(): Promise<UptimeState> {
    this.last = await this.load();
    return structuredClone(this.last.state);
  }

  async update(change: (state: UptimeState) => UptimeState | void): Promise<UptimeState> {
    const retries = this.options.retries ?? 6;
    let snapshot = this.last ?? (await this.load());
    for (let attempt = 0; ; attempt++) {
      const draft = structuredClone(snapshot.state);
      const changed = change(draft) ?? draft;
      // Nothing changed: no write at all (a healthy sweep makes zero write requests).
      if (canonical(changed) === canonical(snapshot.state)) return structuredClone(changed);
      const pruned = {
        ...pruneState(changed, this.options.clock.now()),
        updatedAt: this.options.clock.now(),
      };
      const stamped = this.options.redact ? redactDeep(pruned, this.options.redact) : pruned;
      const body = `${JSON.stringify(stamped, null, 1)}\n`;
      try {
        const created = snapshot.sha === undefined;
        this.createdBranch = false;
        const sha = await this.write(body, snapshot.sha);
        this.last = { state: stamped, sha };
        this.options.onWrite?.(
          created && this.createdBranch
            ? `Created the state branch ${this.branch} and saved ${this.path} on it.`
            : `Saved the state (${this.path} on ${this.branch}).`,
        );
        return structuredClone(stamped);
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= retries) {
          if (error instanceof ConflictError) {
            throw new Error(
              `State ${this.where()}: still conflicting after ${retries + 1} attempts (another writer keeps changing it). Fix: the next run retries; if it persists, check that only uptime-action writes ${this.path}.`,
            );
          }
          throw error;
        }
        const backoff = (this.options.baseDelayMs ?? 250) * 2 ** attempt;
        const delay = Math.round(backoff / 2 + (this.options.random ?? Math.random)() * (backoff / 2));
        this.options.logger.debug(
          `State ${this.where()} changed under us (${error.message}); re-reading in ${delay}ms.`,
        );
        await this.options.clock.sleep(delay);
        snapshot = await this.load();
      }
    }
  }

  private where(): string {
    return `${this.options.owner}/${this.options.repo}@${this.branch}:${this.path}`;
  }

  /**
   * A GET under the shared retry policy: the client's own retries are off for it, and `withRetry` tries at most
   * `readRetries` more times after a network error or a 5xx, so an unreachable GitHub is known in seconds.
   */
  private get<S extends z.ZodType>(route: string, parameters: Record<string, unknown>, schema: S) {
    const request = { ...parameters, request: { retries: 0 } };
    return withRetry(() => requestData(this.options.client, route, request, schema), {
      retries: this.options.readRetries ?? 2,
      baseDelayMs: 500,
      maxDelayMs: 2000,
      shouldRetry: transientGitHubError,
      sleep: (ms) => this.options.clock.sleep(ms),
      random: this.options.random,
      onRetry: ({ attempt, delayMs, error }) =>
        this.options.logger.debug(
          `State ${this.where()}: read attempt ${attempt} failed (${describeError(error)}); retrying in ${delayMs}ms.`,
        ),
    });
  }

  /** One GET of the contents API; a missing branch or file is the empty state (and no write). */
  private async load(): Promise<Snapshot> {
    let data: z.infer<typeof FileSchema>;
    try {
      data = await this.get(
        'GET /repos/{owner}/{repo}/contents/{path}',
        { ...this.repo, path: this.path, ref: this.branch },
        FileSchema,
      );
    } catch (error) {
      if (errorStatus(error) === 404) return { state: emptyState() };
      throw this.failure('read', error, 'contents: read');
    }
    // Files over 1 MB come without content (encoding "none"): read them whole through the git blob API.
    const text =
      data.encoding === 'base64' && typeof data.content === 'string' && data.content !== ''
        ? Buffer.from(data.content, 'base64').toString('utf8')
        : await this.readBlob(data.sha);
    return { state: await this.parse(text, data.sha), sha: data.sha };
  }

  private async readBlob(sha: string): Promise<string> {
    try {
      const blob = await this.get(
        'GET /repos/{owner}/{repo}/git/blobs/{file_sha}',
        { ...this.repo, file_sha: sha },
        BlobSchema,
      );
      if (blob.content === undefined) throw new Error('the blob answer has no content');
      return Buffer.from(blob.content, blob.encoding === 'utf-8' ? 'utf8' : 'base64').toString('utf8');
    } catch (error) {
      throw this.failure('read', error, 'contents: read');
    }
  }

  /**
   * The one state schema: a malformed part is reset with a warning naming it, and the original is kept on the
   * state branch as `state.broken-<timestamp>.json` before anything overwrites it. Monitoring goes on.
   */
  private async parse(text: string, sha: string): Promise<UptimeState> {
    const { state, problems } = parseStateText(text);
    if (problems.length === 0 || this.keptAside.has(sha)) return state;
    this.keptAside.add(sha);
    const aside = await this.keepAside(text);
    for (const problem of problems) this.options.logger.warn(`${problem} (${this.where()}; ${aside})`);
    return state;
  }

  /** Writes the original text beside the state file on its branch; says where (or why not). */
  private async keepAside(text: string): Promise<string> {
    const path = `${this.path.replace(/\.json$/, '')}.broken-${this.options.clock.now()}.json`;
    try {
      await this.options.client.request('PUT /repos/{owner}/{repo}/contents/{path}', {
        ...this.repo,
        path,
        branch: this.branch,
        message: `uptime: keep a malformed state aside [skip ci]`,
        content: Buffer.from(text, 'utf8').toString('base64'),
      });
      return `the original is kept as ${path} on ${this.branch}`;
    } catch (error) {
      return `could not keep the original aside: ${describeError(error)}`;
    }
  }

  /** Writes the file with compare-and-swap; returns the new blob sha. Throws ConflictError when it changed meanwhile. */
  private async write(body: string, sha: string | undefined): Promise<string> {
    if (sha === undefined && !(await this.branchExists())) return this.createBranch(body);
    try {
      const written = await requestData(
        this.options.client,
        'PUT /repos/{owner}/{repo}/contents/{path}',
        {
          ...this.repo,
          path: this.path,
          branch: this.branch,
          message: `uptime: update state [skip ci]`,
          content: Buffer.from(body, 'utf8').toString('base64'),
          ...(sha ? { sha } : {}),
        },
        ContentWriteSchema,
      );
      return written.content.sha;
    } catch (error) {
      const status = errorStatus(error);
      // 409: the sha is stale; 422: a sha was missing because the file appeared meanwhile.
      if (status === 409 || status === 422) throw new ConflictError(`HTTP ${status}`);
      throw this.failure('write', error, needs);
    }
  }

  private async branchExists(): Promise<boolean> {
    try {
      await this.get(
        'GET /repos/{owner}/{repo}/git/ref/{ref}',
        { ...this.repo, ref: `heads/${this.branch}` },
        RefSchema,
      );
      return true;
    } catch (error) {
      if (errorStatus(error) === 404) return false;
      throw this.failure('read', error, 'contents: read');
    }
  }

  /**
   * Creates the branch as an orphan holding only the state file: a tree and a parentless commit through the git
   * data API, then the ref. The default branch is never touched.
   */
  private async createBranch(body: string): Promise<string> {
    try {
      const { client } = this.options;
      const blob = await requestData(
        client,
        'POST /repos/{owner}/{repo}/git/blobs',
        { ...this.repo, content: Buffer.from(body, 'utf8').toString('base64'), encoding: 'base64' },
        ShaSchema,
      );
      const tree = await requestData(
        client,
        'POST /repos/{owner}/{repo}/git/trees',
        { ...this.repo, tree: [{ path: this.path, mode: '100644', type: 'blob', sha: blob.sha }] },
        ShaSchema,
      );
      const commit = await requestData(
        client,
        'POST /repos/{owner}/{repo}/git/commits',
        { ...this.repo, message: 'uptime: start the state branch [skip ci]', tree: tree.sha, parents: [] },
        ShaSchema,
      );
      await this.options.client.request('POST /repos/{owner}/{repo}/git/refs', {
        ...this.repo,
        ref: `refs/heads/${this.branch}`,
        sha: commit.sha,
      });
      this.createdBranch = true;
      this.options.logger.info(
        `Created the state branch ${this.branch} (an orphan branch holding ${this.path}).`,
      );
      return blob.sha;
    } catch (error) {
      // 422 "Reference already exists": another writer created the branch first; re-read and merge.
      if (errorStatus(error) === 422) throw new ConflictError('the branch was created meanwhile');
      if (errorStatus(error) === 409)
        throw new Error(
          `State ${this.where()}: the repository is empty (HTTP 409). Fix: push a first commit to the repository.`,
        );
      throw this.failure('create the branch for', error, needs);
    }
  }

  private failure(what: string, error: unknown, permission: string): Error {
    return new Error(
      `State ${this.where()}: could not ${what} the state (${describeError(error)}). Fix: ${
        networkFailure(error)
          ? 'check that GITHUB_API_URL is right and that the runner can reach it; the next run retries.'
          : fixFor(errorStatus(error), permission, error)
      }`,
      { cause: error },
    );
  }
}

class ConflictError extends Error {
  override name = 'ConflictError';
}

/** JSON with sorted keys, so two states compare equal whatever order their keys were written in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
