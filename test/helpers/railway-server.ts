/**
 * A small, real Railway GraphQL server on 127.0.0.1 for integration tests, the Action tests and the chaos run.
 * Every document it receives is validated against Railway's published schema (`schemas/railway/
 * schema.json`); invalid ones are answered with a GraphQL error and recorded in `invalidDocuments`.
 * It keeps fake projects, environments, services and deployments; restarts and redeploys move a deployment
 * through DEPLOYING to SUCCESS (or a chosen outcome) after N status polls; faults can be injected.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import {
  buildClientSchema,
  graphql,
  parse,
  validate,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';

/** Railway's schema, vendored in this repository (source and licence: `schemas/railway/PROVENANCE.md`). */
export const RAILWAY_SCHEMA_PATH = fileURLToPath(
  new URL('../../schemas/railway/schema.json', import.meta.url),
);

let cachedSchema: GraphQLSchema | undefined;
/** Railway's schema, built once per test file. */
export function loadRailwaySchema(path = RAILWAY_SCHEMA_PATH): GraphQLSchema {
  if (path === RAILWAY_SCHEMA_PATH && cachedSchema) return cachedSchema;
  const json = JSON.parse(readFileSync(path, 'utf8')) as { data: IntrospectionQuery };
  const schema = buildClientSchema(json.data);
  if (path === RAILWAY_SCHEMA_PATH) cachedSchema = schema;
  return schema;
}

/** Validation errors of one document against the schema (empty when valid). */
export function railwayDocumentErrors(query: string, schema = loadRailwaySchema()): string[] {
  try {
    return validate(schema, parse(query)).map((e) => e.message);
  } catch (error: unknown) {
    return [error instanceof Error ? error.message : String(error)];
  }
}

export interface FakeDeployment {
  id: string;
  serviceId: string;
  environmentId: string;
  status: string;
  canRedeploy: boolean;
  /** Status polls left before an in-progress deployment reaches `finalStatus`. */
  pollsLeft: number;
  finalStatus: string;
  /** ISO 8601; default a fixed time ordered by position (forensics, issue 13). */
  createdAt?: string;
  /** The `DeploymentMeta` scalar, e.g. `{ commitHash, commitMessage }` for a GitHub deploy. */
  meta?: Record<string, unknown> | null;
  /** @default true */
  canRollback?: boolean;
  /** Runtime log lines, oldest first. */
  logs?: Array<{ timestamp: string; message: string; severity?: string }>;
}

export interface RailwayState {
  projects: Array<{ id: string; name: string }>;
  environments: Array<{ id: string; name: string; projectId: string }>;
  services: Array<{ id: string; name: string; projectId: string }>;
  /** Oldest first; the latest of a service instance is the last match. */
  deployments: FakeDeployment[];
  /** Project token → its scope. */
  projectTokens: Record<string, { projectId: string; environmentId: string }>;
  bearerTokens: string[];
  /** Deployment ids, in the order the mutations arrived. */
  restarts: string[];
  redeploys: string[];
  /** Deployment ids rolled back to, in order. */
  rollbacks: string[];
  /** How the next restart/redeploy ends (then back to SUCCESS). */
  nextOutcome?: string;
}

/** The default world: one project, production + staging, two services deployed in production. */
export const RAILWAY_FIXTURE = {
  projectId: 'proj-1',
  production: 'env-prod',
  staging: 'env-staging',
  backend: 'svc-backend',
  coqui: 'svc-coqui',
  projectToken: 'proj-token-prod-0123456789',
  stagingToken: 'proj-token-staging-0123456789',
  bearerToken: 'account-token-0123456789',
} as const;

export function defaultRailwayState(): RailwayState {
  const f = RAILWAY_FIXTURE;
  const deployment = (id: string, serviceId: string, environmentId: string): FakeDeployment => ({
    id,
    serviceId,
    environmentId,
    status: 'SUCCESS',
    canRedeploy: true,
    pollsLeft: 0,
    finalStatus: 'SUCCESS',
  });
  return {
    projects: [{ id: f.projectId, name: 'uptime-demo' }],
    environments: [
      { id: f.production, name: 'production', projectId: f.projectId },
      { id: f.staging, name: 'staging', projectId: f.projectId },
    ],
    services: [
      { id: f.backend, name: 'backend', projectId: f.projectId },
      { id: f.coqui, name: 'coqui', projectId: f.projectId },
    ],
    deployments: [
      deployment('dep-backend-1', f.backend, f.production),
      deployment('dep-coqui-1', f.coqui, f.production),
      deployment('dep-backend-stg', f.backend, f.staging),
    ],
    projectTokens: {
      [f.projectToken]: { projectId: f.projectId, environmentId: f.production },
      [f.stagingToken]: { projectId: f.projectId, environmentId: f.staging },
    },
    bearerTokens: [f.bearerToken],
    restarts: [],
    redeploys: [],
    rollbacks: [],
  };
}

export interface RecordedRequest {
  operationName?: string;
  query: string;
  variables: Record<string, unknown>;
  /** How the request authenticated (never the token). */
  auth: 'project' | 'bearer' | 'none';
  /** The HTTP status answered. */
  status: number;
}

type Fault =
  | { kind: 'status'; status: number; headers: Record<string, string> }
  | { kind: 'hang' }
  | { kind: 'graphqlError'; message: string };

export interface RailwayServerOptions {
  /** Replace parts of the default world. */
  state?: Partial<RailwayState>;
  /** Status polls an in-progress deployment answers before it is done. @default 2 */
  pollsUntilDone?: number;
  schemaPath?: string;
}

export interface RailwayServer {
  /** The GraphQL endpoint, for `RAILWAY_API_URL`. */
  url: string;
  close(): Promise<void>;
  requests: RecordedRequest[];
  invalidDocuments: Array<{ query: string; errors: string[] }>;
  state: RailwayState;
  /** The latest deployment of a service instance. */
  latest(serviceId: string, environmentId: string): FakeDeployment | undefined;
  inject: {
    /** Answer the next `times` requests with this HTTP status (e.g. 502). */
    httpError(status: number, times?: number, headers?: Record<string, string>): void;
    /** Answer 429 with `Retry-After: seconds`. */
    rateLimit(retryAfterSeconds: number, times?: number): void;
    /** Answer a GraphQL `Not Authorized` error. */
    notAuthorized(times?: number): void;
    /** Any GraphQL error message. */
    graphqlError(message: string, times?: number): void;
    /** Never answer (until the client gives up or the server closes). */
    hang(times?: number): void;
  };
}

type Auth =
  | { kind: 'project'; scope?: { projectId: string; environmentId: string } }
  | { kind: 'bearer'; valid: boolean }
  | { kind: 'none' };

/** Starts the server on an ephemeral port of 127.0.0.1. */
export async function startRailwayServer(options: RailwayServerOptions = {}): Promise<RailwayServer> {
  const schema = loadRailwaySchema(options.schemaPath);
  const state: RailwayState = { ...defaultRailwayState(), ...options.state };
  const pollsUntilDone = options.pollsUntilDone ?? 2;
  const requests: RecordedRequest[] = [];
  const invalidDocuments: RailwayServer['invalidDocuments'] = [];
  const faults: Fault[] = [];
  const latest = (serviceId: string, environmentId: string) =>
    state.deployments.filter((d) => d.serviceId === serviceId && d.environmentId === environmentId).at(-1);
  const root = makeResolvers(state, latest, pollsUntilDone);

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handle(Buffer.concat(chunks).toString('utf8'), req.headers, res);
    });
  });

  async function handle(
    text: string,
    headers: http.IncomingHttpHeaders,
    res: http.ServerResponse,
  ): Promise<void> {
    let body: { query?: string; variables?: Record<string, unknown>; operationName?: string } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch (error: unknown) {
      body = { query: `# unparsable body: ${String(error)}` };
    }
    const auth = authOf(headers, state);
    const record: RecordedRequest = {
      operationName: body.operationName ?? /^\s*(?:query|mutation)\s+(\w+)/.exec(body.query ?? '')?.[1],
      query: body.query ?? '',
      variables: body.variables ?? {},
      auth: auth.kind,
      status: 200,
    };
    requests.push(record);
    const send = (status: number, payload: unknown, extra: Record<string, string> = {}) => {
      record.status = status;
      res.writeHead(status, { 'content-type': 'application/json', ...extra });
      res.end(JSON.stringify(payload));
    };
    const fault = faults.shift();
    if (fault?.kind === 'hang') return;
    if (fault?.kind === 'status')
      return send(fault.status, { errors: [{ message: `injected HTTP ${fault.status}` }] }, fault.headers);
    if (fault?.kind === 'graphqlError')
      return send(200, { data: null, errors: [{ message: fault.message }] });

    const errors = railwayDocumentErrors(record.query, schema);
    if (errors.length) {
      invalidDocuments.push({ query: record.query, errors });
      return send(400, {
        errors: errors.map((message) => ({ message, extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })),
      });
    }
    const result = await graphql({
      schema,
      source: record.query,
      rootValue: root,
      contextValue: auth,
      variableValues: record.variables,
    });
    send(200, {
      data: result.data ?? null,
      ...(result.errors ? { errors: result.errors.map((e) => ({ message: e.message })) } : {}),
    });
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const push = (fault: Fault, times: number) => {
    for (let i = 0; i < times; i++) faults.push(fault);
  };
  return {
    url: `http://127.0.0.1:${port}/graphql/v2`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
    requests,
    invalidDocuments,
    state,
    latest,
    inject: {
      httpError: (status, times = 1, headers = {}) => push({ kind: 'status', status, headers }, times),
      rateLimit: (seconds, times = 1) =>
        push({ kind: 'status', status: 429, headers: { 'retry-after': String(seconds) } }, times),
      notAuthorized: (times = 1) => push({ kind: 'graphqlError', message: 'Not Authorized' }, times),
      graphqlError: (message, times = 1) => push({ kind: 'graphqlError', message }, times),
      hang: (times = 1) => push({ kind: 'hang' }, times),
    },
  };
}

function authOf(headers: http.IncomingHttpHeaders, state: RailwayState): Auth {
  const project = headers['project-access-token'];
  if (typeof project === 'string') return { kind: 'project', scope: state.projectTokens[project] };
  const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
  if (bearer) return { kind: 'bearer', valid: state.bearerTokens.includes(bearer) };
  return { kind: 'none' };
}

function makeResolvers(state: RailwayState, latest: RailwayServer['latest'], pollsUntilDone: number) {
  const denied = () => new Error('Not Authorized');
  const mayProject = (auth: Auth, projectId: string) =>
    (auth.kind === 'bearer' && auth.valid) ||
    (auth.kind === 'project' && auth.scope?.projectId === projectId);
  const mayEnvironment = (auth: Auth, environmentId: string, projectId: string) =>
    (auth.kind === 'bearer' && auth.valid) ||
    (auth.kind === 'project' &&
      auth.scope?.environmentId === environmentId &&
      auth.scope.projectId === projectId);
  const view = (d: FakeDeployment | undefined) =>
    d && { id: d.id, status: d.status, canRedeploy: d.canRedeploy };
  const deploymentFor = (id: string, auth: Auth) => {
    const d = state.deployments.find((x) => x.id === id);
    if (!d) throw new Error('Deployment not found');
    const env = state.environments.find((e) => e.id === d.environmentId);
    if (!env || !mayEnvironment(auth, env.id, env.projectId)) throw denied();
    return d;
  };
  const createdAt = (d: FakeDeployment) =>
    d.createdAt ?? new Date(Date.UTC(2026, 10, 1) + state.deployments.indexOf(d) * 3_600_000).toISOString();
  const node = (d: FakeDeployment) => ({
    ...view(d),
    createdAt: createdAt(d),
    meta: d.meta ?? null,
    canRollback: d.canRollback ?? true,
  });
  const start = (d: FakeDeployment, status: string) => {
    d.status = status;
    d.pollsLeft = pollsUntilDone;
    d.finalStatus = state.nextOutcome ?? 'SUCCESS';
    state.nextOutcome = undefined;
  };
  const create = (serviceId: string, environmentId: string) => {
    const d: FakeDeployment = {
      id: `dep-${serviceId}-${state.deployments.length + 1}`,
      createdAt: new Date(
        Math.max(Date.UTC(2026, 10, 1), ...state.deployments.map((x) => Date.parse(createdAt(x)))) + 60_000,
      ).toISOString(),
      serviceId,
      environmentId,
      status: 'BUILDING',
      canRedeploy: true,
      pollsLeft: 0,
      finalStatus: 'SUCCESS',
    };
    start(d, 'BUILDING');
    state.deployments.push(d);
    return d;
  };
  const instance = (args: { environmentId: string; serviceId: string }, auth: Auth) => {
    const service = state.services.find((s) => s.id === args.serviceId);
    const env = state.environments.find((e) => e.id === args.environmentId);
    if (!service || !env || env.projectId !== service.projectId) throw new Error('ServiceInstance not found');
    if (!mayEnvironment(auth, env.id, env.projectId)) throw denied();
    return service;
  };
  return {
    projectToken: (_: unknown, auth: Auth) => {
      if (auth.kind !== 'project' || !auth.scope) throw denied();
      return auth.scope;
    },
    service: ({ id }: { id: string }, auth: Auth) => {
      const service = state.services.find((s) => s.id === id);
      if (!service) throw new Error('Service not found');
      if (!mayProject(auth, service.projectId)) throw denied();
      return service;
    },
    project: ({ id }: { id: string }, auth: Auth) => {
      const project = state.projects.find((p) => p.id === id);
      if (!project) throw new Error('Project not found');
      if (!mayProject(auth, id)) throw denied();
      return {
        ...project,
        environments: {
          edges: state.environments.filter((e) => e.projectId === id).map((node) => ({ node })),
        },
      };
    },
    serviceInstance: (args: { environmentId: string; serviceId: string }, auth: Auth) => {
      const service = instance(args, auth);
      return {
        serviceName: service.name,
        latestDeployment: view(latest(args.serviceId, args.environmentId)) ?? null,
      };
    },
    deployment: ({ id }: { id: string }, auth: Auth) => {
      const d = deploymentFor(id, auth);
      if (d.status !== d.finalStatus) {
        if (d.pollsLeft > 0) d.pollsLeft--;
        if (d.pollsLeft === 0) d.status = d.finalStatus;
      }
      return view(d);
    },
    deploymentRestart: ({ id }: { id: string }, auth: Auth) => {
      const d = deploymentFor(id, auth);
      state.restarts.push(id);
      start(d, 'DEPLOYING');
      return true;
    },
    deploymentRedeploy: ({ id }: { id: string }, auth: Auth) => {
      const d = deploymentFor(id, auth);
      state.redeploys.push(id);
      return view(create(d.serviceId, d.environmentId));
    },
    // Railway lists a service instance's deployments newest first.
    deployments: (
      { first, input }: { first?: number; input: { serviceId?: string; environmentId?: string } },
      auth: Auth,
    ) => {
      if (!input.serviceId || !input.environmentId) throw new Error('serviceId and environmentId required');
      instance({ serviceId: input.serviceId, environmentId: input.environmentId }, auth);
      const mine = state.deployments
        .filter((d) => d.serviceId === input.serviceId && d.environmentId === input.environmentId)
        .sort((a, b) => Date.parse(createdAt(b)) - Date.parse(createdAt(a)))
        .slice(0, first ?? 20);
      return {
        edges: mine.map((d) => ({ cursor: d.id, node: node(d) })),
        pageInfo: { hasNextPage: false, hasPreviousPage: false },
      };
    },
    // The last `limit` lines before `endDate` (all when unset), oldest first.
    deploymentLogs: (
      { deploymentId, endDate, limit }: { deploymentId: string; endDate?: string; limit?: number },
      auth: Auth,
    ) => {
      const d = deploymentFor(deploymentId, auth);
      const before = endDate ? Date.parse(endDate) : Infinity;
      const lines = (d.logs ?? []).filter((l) => Date.parse(l.timestamp) < before);
      return lines.slice(-(limit ?? 100)).map((l) => ({ attributes: [], severity: null, ...l }));
    },
    // Railway's rollback deploys the chosen earlier deployment again as a new deployment.
    deploymentRollback: ({ id }: { id: string }, auth: Auth) => {
      const d = deploymentFor(id, auth);
      if (!(d.canRollback ?? true)) throw new Error('Deployment cannot be rolled back');
      state.rollbacks.push(id);
      const fresh = create(d.serviceId, d.environmentId);
      fresh.meta = d.meta;
      fresh.logs = [];
      return true;
    },
    serviceInstanceRedeploy: (args: { environmentId: string; serviceId: string }, auth: Auth) => {
      instance(args, auth);
      state.redeploys.push(`${args.serviceId}@${args.environmentId}`);
      create(args.serviceId, args.environmentId);
      return true;
    },
  };
}
