import { generateKeyPairSync } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import examples from '@octokit/webhooks-examples' with { type: 'json' };
import { ProbotOctokit } from 'probot';
import { startTestServer, type TestServer } from '../helpers/servers.js';

/** An RSA key for the app's JWT (Probot signs one before asking for an installation token). */
export const privateKey = generateKeyPairSync('rsa', { modulusLength: 2048 })
  .privateKey.export({ type: 'pkcs1', format: 'pem' })
  .toString();

/** Probot's Octokit without retries and throttling (TOOLCHAIN.md: the function form). */
export const TestOctokit = ProbotOctokit.defaults((o: Record<string, unknown>) => ({
  ...o,
  retry: { enabled: false },
  throttle: { enabled: false },
}));

type Example = Record<string, unknown> & {
  action: string;
  installation?: { id: number };
  comment: { id: number; body: string; user: { login: string; type: string } };
  sender: { login: string; type: string };
  issue: { number: number };
  repository: { name: string; owner: { login: string }; default_branch: string };
};

const issueComment = (examples as unknown as Array<{ name: string; examples: Example[] }>).find(
  (e) => e.name === 'issue_comment',
)!;

/** A real `issue_comment` payload from @octokit/webhooks-examples (Codertocat/Hello-World, installation 1) with this body. */
export function commentPayload(
  body: string,
  options: { action?: 'created' | 'edited'; login?: string; type?: 'User' | 'Bot' } = {},
): Example {
  const action = options.action ?? 'created';
  const base = structuredClone(
    issueComment.examples.find((e) => e.action === action && e.installation) ??
      issueComment.examples.find((e) => e.action === action)!,
  );
  base.installation ??= { id: 1 };
  const login = options.login ?? base.sender.login;
  const type = options.type ?? 'User';
  base.comment = { ...base.comment, body, user: { ...base.comment.user, login, type } };
  base.sender = { ...base.sender, login, type };
  return base;
}

/** A monitored service on loopback: `GET /health` answers ok, `POST /restart` is the webhook provider's target. */
export async function startService(): Promise<TestServer & { restarts: () => number }> {
  const server = await startTestServer({
    kind: 'custom',
    handle: (req: IncomingMessage, res: ServerResponse) => {
      req.resume();
      req.on('end', () => {
        res
          .writeHead(200, { 'content-type': 'text/plain' })
          .end(req.url === '/restart' ? 'restarting' : 'ok');
      });
    },
  });
  return Object.assign(server, {
    restarts: () => server.log.filter((r) => r.method === 'POST' && r.url === '/restart').length,
  });
}

/** The repository's `.github/uptime.yml` for those services. */
export function configYaml(service: TestServer): string {
  return [
    'successThreshold: 1',
    'services:',
    '  coqui:',
    '    name: Coqui Voice Service',
    `    url: ${service.origin}/health`,
    `    recovery: { provider: webhook, url: "${service.origin}/restart" }`,
    '  backend:',
    '    name: Backend Node.js',
    `    url: ${service.origin}/health`,
    '',
  ].join('\n');
}
