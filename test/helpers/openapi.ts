/**
 * Checks requests against GitHub's own REST description (@octokit/openapi, api.github.com): the route exists
 * for the method, query parameters are known, and the JSON body has the required keys, no unknown ones, and
 * enum values GitHub accepts. Used by `githubNock` below and by the stub server's request log.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import nock from 'nock';

type Json = Record<string, unknown>;
interface Operation {
  method: string;
  template: string;
  operationId: string;
  query: Set<string>;
  body?: Json;
}

let routes: Array<{ regex: RegExp; params: number; operation: Operation }> | undefined;
let spec: Json | undefined;

function deref(value: unknown): Json {
  let v = value as Json;
  for (let i = 0; i < 10 && v && typeof v.$ref === 'string'; i++) {
    const parts = (v.$ref as string).replace(/^#\//, '').split('/');
    v = parts.reduce<Json>((node, key) => node[key] as Json, spec as Json);
  }
  return v;
}

function load(): NonNullable<typeof routes> {
  if (routes) return routes;
  const require = createRequire(import.meta.url);
  const dir = dirname(require.resolve('@octokit/openapi/package.json'));
  spec = JSON.parse(readFileSync(join(dir, 'generated', 'api.github.com.json'), 'utf8')) as Json;
  routes = [];
  for (const [template, item] of Object.entries(spec.paths as Record<string, Json>)) {
    const shared = (item.parameters as unknown[] | undefined) ?? [];
    for (const [method, op] of Object.entries(item)) {
      if (!['get', 'post', 'put', 'patch', 'delete'].includes(method)) continue;
      const operation = op as Json;
      const params = [...shared, ...((operation.parameters as unknown[]) ?? [])].map(deref);
      const query = new Set(params.filter((p) => p.in === 'query').map((p) => p.name as string));
      const content = (deref(operation.requestBody)?.content as Json | undefined)?.['application/json'] as
        Json | undefined;
      const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+');
      routes.push({
        regex: new RegExp(`^${pattern}$`),
        params: (template.match(/\{/g) ?? []).length,
        operation: {
          method: method.toUpperCase(),
          template,
          operationId: operation.operationId as string,
          query,
          body: content ? deref(content.schema) : undefined,
        },
      });
    }
  }
  return routes;
}

/** The problems with one request, empty when GitHub's description allows it. */
export function checkRequest(method: string, url: string, body?: unknown, apiPrefix = ''): string[] {
  const parsed = new URL(url, 'http://github.test');
  let path = parsed.pathname;
  if (apiPrefix && path.startsWith(apiPrefix)) path = path.slice(apiPrefix.length) || '/';
  const upper = method.toUpperCase();
  const candidates = load()
    .filter((r) => r.operation.method === upper && r.regex.test(path))
    .sort((a, b) => a.params - b.params);
  const where = `${upper} ${path}`;
  if (candidates.length === 0) return [`${where}: no such route in GitHub's REST description`];
  const { operation } = candidates[0];
  const problems: string[] = [];
  for (const key of parsed.searchParams.keys()) {
    if (!operation.query.has(key))
      problems.push(`${where} (${operation.operationId}): unknown query parameter "${key}"`);
  }
  if (
    operation.body &&
    body !== undefined &&
    body !== '' &&
    typeof body === 'object' &&
    !Array.isArray(body)
  ) {
    problems.push(...checkBody(operation, body as Json, where));
  }
  return problems;
}

function checkBody(operation: Operation, body: Json, where: string): string[] {
  const schema = operation.body as Json;
  const problems: string[] = [];
  const props = (schema.properties as Record<string, unknown> | undefined) ?? {};
  for (const key of (schema.required as string[] | undefined) ?? []) {
    if (!(key in body)) problems.push(`${where} (${operation.operationId}): body lacks required "${key}"`);
  }
  if (schema.properties && schema.additionalProperties !== true) {
    for (const key of Object.keys(body)) {
      if (!(key in props))
        problems.push(`${where} (${operation.operationId}): body has unknown key "${key}"`);
    }
  }
  for (const [key, value] of Object.entries(body)) {
    const prop = props[key] ? deref(props[key]) : undefined;
    const allowed = prop?.enum as unknown[] | undefined;
    if (allowed && value !== null && !allowed.includes(value)) {
      problems.push(
        `${where} (${operation.operationId}): "${key}" is ${JSON.stringify(value)}, not one of ${JSON.stringify(allowed)}`,
      );
    }
  }
  return problems;
}

/** Throws unless the request fits GitHub's REST description. */
export function assertRouteExists(method: string, url: string, body?: unknown, apiPrefix = ''): void {
  const problems = checkRequest(method, url, body, apiPrefix);
  if (problems.length) throw new Error(problems.join('\n'));
}

/** Every problem found in a list of logged requests (the stub's `requests`). */
export function checkRequests(
  requests: Array<{ method: string; url: string; body?: unknown }>,
  apiPrefix = '',
): string[] {
  return requests.flatMap((r) => checkRequest(r.method, r.url, r.body, apiPrefix));
}

/**
 * A nock scope for GitHub whose every intercepted request is checked against the REST description; call
 * `problems()` at the end of the test and expect it to be empty. (Throwing inside nock's event would hang the test.)
 */
export function githubNock(baseUrl = 'https://api.github.com'): {
  scope: nock.Scope;
  problems: () => string[];
} {
  const prefix = new URL(baseUrl).pathname.replace(/\/+$/, '');
  const scope = nock(baseUrl);
  const found: string[] = [];
  scope.on('request', (req: { method: string; path: string }, _interceptor: unknown, body: string) => {
    let parsed: unknown = body;
    try {
      parsed = body ? JSON.parse(body) : undefined;
    } catch {
      parsed = body; // not JSON: only the route and query are checked
    }
    found.push(...checkRequest(req.method, req.path, parsed, prefix));
  });
  return { scope, problems: () => [...found] };
}
