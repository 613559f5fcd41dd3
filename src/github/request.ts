import { z } from 'zod';
import type { GitHubClient } from './client.js';

/**
 * GitHub's answers are outside data: each request names the schema of the fields it uses, and the answer is
 * parsed before anything reads it (as the providers parse their platforms' answers). Only the fields a
 * schema names are kept; a missing or mistyped one the caller relies on is a clear error, never an undefined
 * deep inside a decision.
 */

/** Thrown when GitHub's answer lacks what the caller needs. */
export class UnexpectedAnswerError extends Error {
  constructor(route: string, problems: string) {
    super(`GitHub answered ${route} with an unexpected shape (${problems}).`);
    this.name = 'UnexpectedAnswerError';
  }
}

/** `client.request(route, parameters)`, its `data` parsed with `schema`. @throws UnexpectedAnswerError */
export async function requestData<S extends z.ZodType>(
  client: GitHubClient,
  route: string,
  parameters: Record<string, unknown>,
  schema: S,
): Promise<z.infer<S>> {
  const { data } = await client.request(route, parameters);
  return parseAnswer(route, data, schema);
}

/** Parses one answer (or a JSON document GitHub stored for us) with `schema`. @throws UnexpectedAnswerError */
export function parseAnswer<S extends z.ZodType>(route: string, data: unknown, schema: S): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join('.') || 'the answer'}: ${issue.message}`)
    .join('; ');
  throw new UnexpectedAnswerError(route, problems);
}

/** `{ sha }`: a created blob, tree or git object. */
export const ShaSchema = z.object({ sha: z.string() });

/** A git ref: `{ object: { sha } }`. */
export const RefSchema = z.object({ object: ShaSchema });

/** A git commit: `{ sha, tree: { sha } }`. */
export const CommitSchema = z.object({ sha: z.string(), tree: ShaSchema });

/** A git tree listing. */
export const TreeSchema = z.object({
  sha: z.string(),
  tree: z.array(z.object({ path: z.string(), type: z.string(), sha: z.string() })),
});

/** A blob or a file from the contents API: base64 `content` (absent for a file over 1 MB). */
export const BlobSchema = z.object({ content: z.string().optional(), encoding: z.string().optional() });

/** The fields of an issue this project reads. */
export const IssueSchema = z.object({
  number: z.number().int().positive(),
  title: z.string(),
  html_url: z.string(),
  state: z.enum(['open', 'closed']),
  created_at: z.string(),
  labels: z.array(z.union([z.string(), z.object({ name: z.string().optional() })])),
  pull_request: z.unknown().optional(),
});
export type IssueData = z.infer<typeof IssueSchema>;

/** A list of labels: their names. */
export const LabelsSchema = z.array(z.object({ name: z.string() }));

/** A collaborator's permission: the legacy level, the role and the user's permission flags. */
export const PermissionSchema = z.object({
  permission: z.string().optional(),
  role_name: z.string().optional(),
  user: z
    .object({
      permissions: z
        .object({
          admin: z.boolean().optional(),
          maintain: z.boolean().optional(),
          push: z.boolean().optional(),
          triage: z.boolean().optional(),
          pull: z.boolean().optional(),
        })
        .nullish(),
    })
    .nullish(),
});

/** A repository: its default branch. */
export const RepositorySchema = z.object({ default_branch: z.string() });

/** An App installation: its id. */
export const InstallationSchema = z.object({ id: z.number().int() });

/** A file written through the contents API: the new blob sha. */
export const ContentWriteSchema = z.object({ content: ShaSchema });
