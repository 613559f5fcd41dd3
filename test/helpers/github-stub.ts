/**
 * A small, real GitHub REST API on 127.0.0.1 for integration tests (Action, bot, chaos run): issues, labels,
 * comments, reactions, collaborator permissions, workflow runs, and the contents + git data APIs with blob-sha
 * compare-and-swap, enough for the orphan state branch. Every request is logged; faults can be injected.
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StubIssue {
  number: number;
  title: string;
  body: string;
  state: 'open' | 'closed';
  state_reason: string | null;
  labels: string[];
  assignees: string[];
  comments: StubComment[];
  created_at: string;
  user: string;
}
export interface StubComment {
  id: number;
  issue: number;
  body: string;
  user: string;
  created_at: string;
}
export interface StubRequest {
  method: string;
  /** Path and query as sent (including an API prefix, if any). */
  url: string;
  body?: unknown;
  status: number;
}
export interface StubWorkflowRun {
  id: number;
  event: string;
  status: string;
  conclusion?: string | null;
  path: string;
  created_at: string;
  run_started_at?: string;
  name?: string;
}
export interface StubFaults {
  /** Answer this many requests (matching `match`, default any) with a secondary rate limit 403. */
  secondaryRateLimit?: {
    times: number;
    retryAfterSeconds?: number;
    match?: (method: string, path: string) => boolean;
  };
  /** Answer this many requests (matching `match`, default any) with `status` (a 500, a 502: GitHub down). */
  serverError?: { times: number; status: number; match?: (method: string, path: string) => boolean };
  /**
   * Apply this many requests (matching `match`) and then answer 500 anyway: the write landed, its answer was
   * lost (a connection cut or a GitHub error after the commit).
   */
  lostAnswer?: { times: number; match?: (method: string, path: string) => boolean };
  /** Answer every other contents PUT with 409 (the first, the third, ...), without applying it. */
  conflictEveryOtherStateWrite?: boolean;
  /** Milliseconds added before each answer, so concurrent clients interleave. */
  latencyMs?: number;
}
export interface StubOptions {
  owner?: string;
  repo?: string;
  defaultBranch?: string;
  /** Logins and their permission (`admin`, `write`, `read`, `none`); others get `read`. */
  permissions?: Record<string, string>;
  /** The login comments are made as. @default "uptime-action[bot]" */
  botLogin?: string;
  /** Serve under this prefix, as GitHub Enterprise Server does (`/api/v3`). @default "" */
  prefix?: string;
  faults?: StubFaults;
  runs?: StubWorkflowRun[];
}

const gitSha = (kind: string, data: Buffer | string) => {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data);
  return createHash('sha1').update(`${kind} ${buf.length}\0`).update(buf).digest('hex');
};

/** The contents API returns a file's content up to this size; larger files only through the blob API. */
export const CONTENTS_API_MAX_BYTES = 1024 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

/** Starts the stub; `close()` stops it. `url` is the API base URL to give Octokit (`baseUrl`). */
export async function startGitHubStub(options: StubOptions = {}) {
  const owner = options.owner ?? 'acme';
  const repoName = options.repo ?? 'site';
  const prefix = options.prefix ?? '';
  const botLogin = options.botLogin ?? 'uptime-action[bot]';
  const defaultBranch = options.defaultBranch ?? 'main';
  const requests: StubRequest[] = [];
  const issues: StubIssue[] = [];
  const labels = new Map<string, { name: string; color: string; description: string | null }>();
  const reactions: Array<{ commentId: number; content: string }> = [];
  const runs: StubWorkflowRun[] = options.runs ?? [];
  const faults: StubFaults = { ...options.faults };
  const blobs = new Map<string, Buffer>();
  const trees = new Map<string, Array<{ path: string; sha: string }>>();
  const commits = new Map<string, { tree: string; parents: string[]; message: string }>();
  const branches = new Map<string, string>();
  const branchWrites: Record<string, number> = {};
  let nextNumber = 1;
  let nextCommentId = 1000;
  let stateWrites = 0;

  const putBlob = (data: Buffer) => {
    const sha = gitSha('blob', data);
    blobs.set(sha, data);
    return sha;
  };
  const putTree = (entries: Array<{ path: string; sha: string }>) => {
    const sha = gitSha('tree', JSON.stringify(entries));
    trees.set(sha, entries);
    return sha;
  };
  const putCommit = (tree: string, parents: string[], message: string) => {
    const sha = gitSha('commit', `${tree}${parents.join()}${message}${commits.size}`);
    commits.set(sha, { tree, parents, message });
    return sha;
  };
  branches.set(
    defaultBranch,
    putCommit(putTree([{ path: 'README.md', sha: putBlob(Buffer.from('# site\n')) }]), [], 'init'),
  );

  const fileAt = (branch: string, path: string) => {
    const head = branches.get(branch);
    if (!head) return undefined;
    const entry = trees.get(commits.get(head)!.tree)!.find((e) => e.path === path);
    return entry ? { sha: entry.sha, data: blobs.get(entry.sha)! } : undefined;
  };
  const issueJson = (i: StubIssue) => ({
    id: i.number * 10,
    number: i.number,
    title: i.title,
    body: i.body,
    state: i.state,
    state_reason: i.state_reason,
    labels: i.labels.map((name) => ({ name })),
    assignees: i.assignees.map((login) => ({ login })),
    user: { login: i.user, type: 'Bot' },
    created_at: i.created_at,
    html_url: `http://github.test/${owner}/${repoName}/issues/${i.number}`,
    comments: i.comments.length,
  });
  const commentJson = (c: StubComment) => ({
    id: c.id,
    body: c.body,
    user: { login: c.user, type: 'Bot' },
    created_at: c.created_at,
    html_url: `http://github.test/${owner}/${repoName}/issues/${c.issue}#issuecomment-${c.id}`,
  });
  const findIssue = (n: string) => {
    const issue = issues.find((i) => i.number === Number(n));
    if (!issue) throw new HttpError(404, 'Not Found');
    return issue;
  };
  const ensureLabel = (name: string) => {
    if (!labels.has(name)) labels.set(name, { name, color: 'ededed', description: null });
  };

  type Handler = (m: string[], body: Record<string, unknown>, query: URLSearchParams) => [number, unknown];
  const base = `/repos/${owner}/${repoName}`;
  const table: Array<[string, RegExp, Handler]> = [
    [
      'GET',
      /^$/,
      () => [200, { name: repoName, full_name: `${owner}/${repoName}`, default_branch: defaultBranch }],
    ],
    [
      'GET',
      /^\/issues$/,
      (_m, _b, q) => {
        const state = q.get('state') ?? 'open';
        const wanted = (q.get('labels') ?? '').split(',').filter(Boolean);
        const list = issues.filter(
          (i) => (state === 'all' || i.state === state) && wanted.every((l) => i.labels.includes(l)),
        );
        return [
          200,
          list
            // GitHub's default: newest first (`direction=desc`).
            .sort((a, b) => (q.get('direction') === 'asc' ? a.number - b.number : b.number - a.number))
            .slice(0, Number(q.get('per_page') ?? 30))
            .map(issueJson),
        ];
      },
    ],
    [
      'POST',
      /^\/issues$/,
      (_m, b) => {
        if (typeof b.title !== 'string' || !b.title)
          throw new HttpError(422, 'Validation Failed', {
            errors: [{ code: 'missing_field', field: 'title' }],
          });
        const names = ((b.labels as string[]) ?? []).map(String);
        names.forEach(ensureLabel);
        const issue: StubIssue = {
          number: nextNumber++,
          title: b.title,
          body: String(b.body ?? ''),
          state: 'open',
          state_reason: null,
          labels: names,
          assignees: ((b.assignees as string[]) ?? []).map(String),
          comments: [],
          created_at: new Date().toISOString(),
          user: botLogin,
        };
        issues.push(issue);
        return [201, issueJson(issue)];
      },
    ],
    ['GET', /^\/issues\/(\d+)$/, (m) => [200, issueJson(findIssue(m[1]))]],
    [
      'PATCH',
      /^\/issues\/(\d+)$/,
      (m, b) => {
        const issue = findIssue(m[1]);
        if (typeof b.title === 'string') issue.title = b.title;
        if (typeof b.body === 'string') issue.body = b.body;
        if (b.state === 'open' || b.state === 'closed') {
          if (b.state !== issue.state)
            issue.state_reason = b.state === 'closed' ? String(b.state_reason ?? 'completed') : 'reopened';
          issue.state = b.state;
        }
        if (Array.isArray(b.labels)) issue.labels = b.labels.map(String);
        if (Array.isArray(b.assignees)) issue.assignees = b.assignees.map(String);
        return [200, issueJson(issue)];
      },
    ],
    ['GET', /^\/issues\/(\d+)\/comments$/, (m) => [200, findIssue(m[1]).comments.map(commentJson)]],
    [
      'POST',
      /^\/issues\/(\d+)\/comments$/,
      (m, b) => {
        const issue = findIssue(m[1]);
        const comment = {
          id: nextCommentId++,
          issue: issue.number,
          body: String(b.body ?? ''),
          user: botLogin,
          created_at: new Date().toISOString(),
        };
        issue.comments.push(comment);
        return [201, commentJson(comment)];
      },
    ],
    [
      'POST',
      /^\/issues\/(\d+)\/assignees$/,
      (m, b) => {
        const issue = findIssue(m[1]);
        issue.assignees = [...new Set([...issue.assignees, ...((b.assignees as string[]) ?? [])])];
        return [201, issueJson(issue)];
      },
    ],
    [
      'POST',
      /^\/issues\/comments\/(\d+)\/reactions$/,
      (m, b) => {
        reactions.push({ commentId: Number(m[1]), content: String(b.content) });
        return [201, { id: reactions.length, content: b.content, user: { login: botLogin } }];
      },
    ],
    ['GET', /^\/labels$/, () => [200, [...labels.values()]]],
    [
      'POST',
      /^\/labels$/,
      (_m, b) => {
        const name = String(b.name);
        if (labels.has(name))
          throw new HttpError(422, 'Validation Failed', {
            errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
          });
        labels.set(name, {
          name,
          color: String(b.color ?? 'ededed'),
          description: (b.description as string) ?? null,
        });
        return [201, labels.get(name)];
      },
    ],
    [
      'GET',
      /^\/collaborators\/([^/]+)\/permission$/,
      (m) => {
        const login = decodeURIComponent(m[1]);
        const permission = options.permissions?.[login] ?? 'read';
        return [200, { permission, role_name: permission, user: { login } }];
      },
    ],
    [
      'GET',
      /^\/actions\/runs$/,
      (_m, _b, q) => {
        const list = runs
          .filter(
            (r) =>
              (!q.get('event') || r.event === q.get('event')) &&
              (!q.get('status') || r.status === q.get('status')),
          )
          .sort((a, b) => Date.parse(b.created_at) - Date.parse(a.created_at))
          .slice(0, Number(q.get('per_page') ?? 30));
        return [200, { total_count: list.length, workflow_runs: list }];
      },
    ],
    [
      'GET',
      /^\/contents\/(.+)$/,
      (m, _b, q) => {
        const branch = q.get('ref') ?? defaultBranch;
        if (!branches.has(branch)) throw new HttpError(404, `No commit found for the ref ${branch}`);
        const path = decodeURIComponent(m[1]);
        const file = fileAt(branch, path);
        if (!file) throw new HttpError(404, 'Not Found');
        // Like GitHub: a file over 1 MB comes without its content (content "", encoding "none").
        const large = file.data.length > CONTENTS_API_MAX_BYTES;
        return [
          200,
          {
            type: 'file',
            encoding: large ? 'none' : 'base64',
            path,
            name: path,
            sha: file.sha,
            size: file.data.length,
            content: large ? '' : file.data.toString('base64'),
          },
        ];
      },
    ],
    [
      'PUT',
      /^\/contents\/(.+)$/,
      (m, b) => {
        const branch = String(b.branch ?? defaultBranch);
        const path = decodeURIComponent(m[1]);
        const head = branches.get(branch);
        if (!head) throw new HttpError(404, `Branch ${branch} not found`);
        stateWrites++;
        if (faults.conflictEveryOtherStateWrite && stateWrites % 2 === 1)
          throw new HttpError(409, `${path} does not match (injected)`);
        const current = fileAt(branch, path);
        if (current && !b.sha) throw new HttpError(422, `Invalid request.\n\n"sha" wasn't supplied.`);
        if (current && b.sha !== current.sha)
          throw new HttpError(409, `${path} does not match ${String(b.sha)}`);
        const sha = putBlob(Buffer.from(String(b.content), 'base64'));
        const entries = trees.get(commits.get(head)!.tree)!.filter((e) => e.path !== path);
        const commit = putCommit(putTree([...entries, { path, sha }]), [head], String(b.message));
        branches.set(branch, commit);
        branchWrites[branch] = (branchWrites[branch] ?? 0) + 1;
        return [current ? 200 : 201, { content: { path, sha }, commit: { sha: commit } }];
      },
    ],
    [
      'GET',
      /^\/git\/ref\/heads(?:\/|%2F)(.+)$/,
      (m) => {
        const branch = decodeURIComponent(m[1]);
        const sha = branches.get(branch);
        if (!sha) throw new HttpError(404, 'Not Found');
        return [200, { ref: `refs/heads/${branch}`, object: { sha, type: 'commit' } }];
      },
    ],
    [
      'GET',
      /^\/git\/blobs\/([0-9a-f]+)$/,
      (m) => [
        200,
        { sha: m[1], encoding: 'base64', content: (blobs.get(m[1]) ?? Buffer.alloc(0)).toString('base64') },
      ],
    ],
    [
      'POST',
      /^\/git\/blobs$/,
      (_m, b) => [
        201,
        { sha: putBlob(Buffer.from(String(b.content), b.encoding === 'base64' ? 'base64' : 'utf8')) },
      ],
    ],
    [
      'POST',
      /^\/git\/trees$/,
      (_m, b) => {
        const given = b.tree as Array<{ path: string; sha?: string | null; content?: string }>;
        // base_tree: the given entries replace (or, with sha null, remove) the base's.
        const base = b.base_tree ? (trees.get(String(b.base_tree)) ?? []) : [];
        const kept = base.filter((e) => !given.some((g) => g.path === e.path));
        const entries = given
          .filter((e) => e.sha !== null)
          .map((e) => ({ path: e.path, sha: e.sha ?? putBlob(Buffer.from(e.content ?? '')) }));
        return [201, { sha: putTree([...kept, ...entries]) }];
      },
    ],
    [
      'POST',
      /^\/git\/commits$/,
      (_m, b) => [201, { sha: putCommit(String(b.tree), (b.parents as string[]) ?? [], String(b.message)) }],
    ],
    [
      'GET',
      /^\/git\/commits\/([0-9a-f]+)$/,
      (m) => {
        const commit = commits.get(m[1]);
        if (!commit) throw new HttpError(404, 'Not Found');
        return [200, { sha: m[1], tree: { sha: commit.tree }, message: commit.message, parents: [] }];
      },
    ],
    [
      'GET',
      /^\/git\/trees\/([0-9a-f]+)$/,
      (m) => {
        const tree = trees.get(m[1]);
        if (!tree) throw new HttpError(404, 'Not Found');
        const entries = tree.map((e) => ({ path: e.path, mode: '100644', type: 'blob', sha: e.sha }));
        return [200, { sha: m[1], tree: entries, truncated: false }];
      },
    ],
    [
      'PATCH',
      /^\/git\/refs\/heads(?:\/|%2F)(.+)$/,
      (m, b) => {
        const branch = decodeURIComponent(m[1]);
        const head = branches.get(branch);
        if (!head) throw new HttpError(422, 'Reference does not exist');
        const parents = commits.get(String(b.sha))?.parents ?? [];
        if (!b.force && !parents.includes(head)) throw new HttpError(422, 'Update is not a fast forward');
        branches.set(branch, String(b.sha));
        branchWrites[branch] = (branchWrites[branch] ?? 0) + 1;
        return [200, { ref: `refs/heads/${branch}`, object: { sha: b.sha, type: 'commit' } }];
      },
    ],
    [
      'POST',
      /^\/git\/refs$/,
      (_m, b) => {
        const branch = String(b.ref).replace(/^refs\/heads\//, '');
        if (branches.has(branch)) throw new HttpError(422, 'Reference already exists');
        branches.set(branch, String(b.sha));
        branchWrites[branch] = (branchWrites[branch] ?? 0) + 1;
        return [201, { ref: b.ref, object: { sha: b.sha, type: 'commit' } }];
      },
    ],
  ];

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://stub');
    const method = req.method ?? 'GET';
    let body: Record<string, unknown> = {};
    if (raw) body = JSON.parse(raw) as Record<string, unknown>;
    const entry: StubRequest = {
      method,
      url: `${url.pathname}${url.search}`,
      body: raw ? body : undefined,
      status: 0,
    };
    requests.push(entry);
    let status = 404;
    let payload: unknown = { message: 'Not Found' };
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
    if (faults.latencyMs) await new Promise((r) => setTimeout(r, faults.latencyMs));
    try {
      const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
      const limit = faults.secondaryRateLimit;
      if (limit && limit.times > 0 && (!limit.match || limit.match(method, path))) {
        limit.times--;
        throw new HttpError(
          403,
          'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          {},
          {
            'retry-after': String(limit.retryAfterSeconds ?? 1),
          },
        );
      }
      const down = faults.serverError;
      if (down && down.times > 0 && (!down.match || down.match(method, path))) {
        down.times--;
        throw new HttpError(down.status, 'Server Error (injected)');
      }
      if (!path.startsWith(base)) throw new HttpError(404, 'Not Found');
      const rest = path.slice(base.length);
      const route = table.find(([m, re]) => m === method && re.test(rest));
      if (route) [status, payload] = route[2](rest.match(route[1])!, body, url.searchParams);
      const lost = faults.lostAnswer;
      if (route && status < 300 && lost && lost.times > 0 && (!lost.match || lost.match(method, path))) {
        lost.times--;
        throw new HttpError(500, 'Server Error (injected after the write was applied)');
      }
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      status = error.status;
      payload = { message: error.message, documentation_url: 'https://docs.github.com/rest', ...error.extra };
      Object.assign(headers, error.headers);
    }
    entry.status = status;
    res.writeHead(status, headers).end(JSON.stringify(payload));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      res
        .writeHead(500, { 'content-type': 'application/json' })
        .end(JSON.stringify({ message: String(error) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}${prefix}`,
    owner,
    repo: repoName,
    prefix,
    requests,
    issues,
    labels,
    reactions,
    runs,
    faults,
    branches,
    /** Content writes per branch (contents PUTs and ref creations). */
    branchWrites,
    /** Requests other than GET/HEAD. */
    writes: () => requests.filter((r) => r.method !== 'GET' && r.method !== 'HEAD'),
    openIssues: (label?: string) =>
      issues.filter((i) => i.state === 'open' && (!label || i.labels.includes(label))),
    /** The file on a branch, parsed as JSON (undefined when missing). */
    readJson: (branch: string, path: string): unknown => {
      const file = fileAt(branch, path);
      return file ? JSON.parse(file.data.toString('utf8')) : undefined;
    },
    /** The first commit's parents on a branch, walking back from its head: [] for an orphan branch. */
    rootParents: (branch: string): string[] | undefined => {
      let sha = branches.get(branch);
      if (!sha) return undefined;
      while (commits.get(sha)!.parents.length) sha = commits.get(sha)!.parents[0];
      return commits.get(sha)!.parents;
    },
    /** Whether the branch history shares a commit with another branch. */
    sharesHistory: (a: string, b: string): boolean => {
      const seen = new Set<string>();
      const walk = (sha: string | undefined, visit: (s: string) => boolean): boolean => {
        while (sha) {
          if (visit(sha)) return true;
          sha = commits.get(sha)?.parents[0];
        }
        return false;
      };
      walk(branches.get(a), (s) => (seen.add(s), false));
      return walk(branches.get(b), (s) => seen.has(s));
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export type GitHubStub = Awaited<ReturnType<typeof startGitHubStub>>;
