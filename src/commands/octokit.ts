import { ConfigError } from '../config/errors.js';
import { DEFAULT_CONFIG_PATH, parseConfigText } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { PermissionAnswer } from './permissions.js';
import type { CommentGitHub, ReactionKind } from './run.js';

/**
 * `CommentGitHub` over any Octokit (Probot's `context.octokit`, @actions/github's `getOctokit`, @octokit/core):
 * only `octokit.request(route, params)` is used, so the core stays free of the faces' clients.
 */

/** The one Octokit method used. */
export interface RequestOctokit {
  request(route: string, parameters?: Record<string, unknown>): Promise<{ data: unknown }>;
}

export interface OctokitCommentOptions {
  owner: string;
  repo: string;
  /** The issue (or pull request) the comment is on; replies go there. */
  issueNumber: number;
  /** The comment to react on. */
  commentId: number;
  /** The config is read from this branch (the repository's default branch). */
  defaultBranch: string;
  /** @default ".github/uptime.yml" */
  configPath?: string;
  /** For `${VAR}` references in the config (the server's or the job's environment). @default {} */
  env?: NodeJS.ProcessEnv;
}

/** Builds the pipeline's GitHub access for one comment from an Octokit. */
export function octokitCommentGitHub(octokit: RequestOctokit, options: OctokitCommentOptions): CommentGitHub {
  const { owner, repo } = options;
  const path = options.configPath ?? DEFAULT_CONFIG_PATH;
  return {
    async addReaction(kind: ReactionKind) {
      await octokit.request('POST /repos/{owner}/{repo}/issues/comments/{comment_id}/reactions', {
        owner,
        repo,
        comment_id: options.commentId,
        content: kind,
      });
    },
    async reply(markdown: string) {
      await octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner,
        repo,
        issue_number: options.issueNumber,
        body: markdown,
      });
    },
    async getPermission(username: string) {
      const { data } = await octokit.request(
        'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
        {
          owner,
          repo,
          username,
        },
      );
      return data as PermissionAnswer;
    },
    async loadConfig(): Promise<Config> {
      const source = `${owner}/${repo}:${path}@${options.defaultBranch}`;
      let data: unknown;
      try {
        ({ data } = await octokit.request('GET /repos/{owner}/{repo}/contents/{path}', {
          owner,
          repo,
          path,
          ref: options.defaultBranch,
        }));
      } catch (error: unknown) {
        if ((error as { status?: number }).status === 404) {
          throw new ConfigError(source, [
            {
              path: '',
              message: `there is no ${path} on the default branch ${options.defaultBranch}.`,
              fix: `commit ${path} (see the README's quick start) to ${options.defaultBranch}.`,
            },
          ]);
        }
        throw error;
      }
      const file = data as { type?: string; content?: string; encoding?: string };
      if (Array.isArray(data) || file.type !== 'file' || typeof file.content !== 'string') {
        throw new ConfigError(source, [
          {
            path: '',
            message: `${path} is not a file.`,
            fix: `make ${path} a YAML file with a services: key.`,
          },
        ]);
      }
      const text = Buffer.from(file.content, file.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
      return parseConfigText(text, source, options.env ?? {});
    },
  };
}
