import { z } from 'zod';
import { ConfigError } from '../config/errors.js';
import { DEFAULT_CONFIG_PATH, parseConfig, parseConfigYaml } from '../config/load.js';
import type { Config } from '../config/schema.js';
import type { HostedPolicy } from '../config/policy.js';
import { MAX_CONFIG_BYTES } from '../config/guards.js';
import { errorStatus, type GitHubClient } from '../github/client.js';
import { PermissionSchema, requestData } from '../github/request.js';
import type { PermissionAnswer } from './permissions.js';
import type { CommentGitHub, ReactionKind } from './run.js';

/**
 * `CommentGitHub` over any Octokit (Probot's `context.octokit`, @actions/github's `getOctokit`, @octokit/core):
 * only `octokit.request(route, params)` is used, so the core stays free of the faces' clients.
 */

/** The one Octokit method used (src/github/client.ts). */
export type RequestOctokit = GitHubClient;

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
  /** The hosted bot's policy (src/config/policy.ts); none = the user's own config, unrestricted. */
  policy?: HostedPolicy;
}

/** The config file from the contents API: a file (a folder is a list; a symlink or submodule has no content). */
const ConfigFileSchema = z.union([
  z.array(z.unknown()),
  z.object({
    type: z.string(),
    size: z.number().optional(),
    content: z.string().optional(),
    encoding: z.string().optional(),
  }),
]);

/** Builds the pipeline's GitHub access for one comment from an Octokit. */
export function octokitCommentGitHub(octokit: RequestOctokit, options: OctokitCommentOptions): CommentGitHub {
  const { owner, repo } = options;
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
      const answer: PermissionAnswer = await requestData(
        octokit,
        'GET /repos/{owner}/{repo}/collaborators/{username}/permission',
        { owner, repo, username },
        PermissionSchema,
      );
      return answer;
    },
    loadConfig: (select?: (raw: unknown) => unknown) =>
      loadRepoConfig(octokit, {
        select,
        owner,
        repo,
        branch: options.defaultBranch,
        path: options.configPath,
        env: options.env,
        policy: options.policy,
      }),
  };
}

/**
 * Reads and validates a repository's config file from a branch through the contents API.
 * @throws ConfigError when the file is missing, not a file, or invalid (the message names the key and the fix).
 */
export async function loadRepoConfig(
  octokit: RequestOctokit,
  options: {
    owner: string;
    repo: string;
    branch: string;
    path?: string;
    env?: NodeJS.ProcessEnv;
    policy?: HostedPolicy;
    /** Reduces the raw file before validation (src/config/service-config.ts). */
    select?: (raw: unknown) => unknown;
  },
): Promise<Config> {
  const { owner, repo, branch } = options;
  const path = options.path ?? DEFAULT_CONFIG_PATH;
  const source = `${owner}/${repo}:${path}@${branch}`;
  let data: z.infer<typeof ConfigFileSchema>;
  try {
    data = await requestData(
      octokit,
      'GET /repos/{owner}/{repo}/contents/{path}',
      { owner, repo, path, ref: branch },
      ConfigFileSchema,
    );
  } catch (error: unknown) {
    if (errorStatus(error) === 404) {
      throw new ConfigError(source, [
        {
          path: '',
          message: `there is no ${path} on the branch ${branch}.`,
          fix: `commit ${path} (\`uptime-action init\` writes one: the README's five-minute setup) to ${branch}.`,
        },
      ]);
    }
    throw error;
  }
  if (Array.isArray(data) || data.type !== 'file' || data.content === undefined) {
    throw new ConfigError(source, [
      { path: '', message: `${path} is not a file.`, fix: `make ${path} a YAML file with a services: key.` },
    ]);
  }
  const size = data.size ?? Math.floor((data.content.length * 3) / 4);
  if (size > MAX_CONFIG_BYTES || data.content.length > (MAX_CONFIG_BYTES * 4) / 3 + 4096) {
    throw new ConfigError(source, [
      {
        path: '',
        message: `${path} is ${size} bytes, over the ${MAX_CONFIG_BYTES}-byte limit.`,
        fix: 'keep the config small: one entry per service, no generated content.',
      },
    ]);
  }
  const text = Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8').toString('utf8');
  const raw = parseConfigYaml(text, source);
  return parseConfig(options.select ? options.select(raw) : raw, source, options.env ?? {}, {
    policy: options.policy,
  });
}
