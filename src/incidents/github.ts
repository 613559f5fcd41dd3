import { field } from '../util/fields.js';
import type { ServiceConfig } from '../config/schema.js';
import {
  describeError,
  errorCode,
  errorStatus,
  fixFor,
  type GitHubClient,
  type RepoRef,
} from '../github/client.js';
import { IssueSchema, LabelsSchema, requestData, type IssueData } from '../github/request.js';
import { z } from 'zod';
import type { IncidentRef } from '../state/types.js';
import type { Logger } from '../util/logger.js';
import type { IncidentLog } from './types.js';
import { MAX_NAME, plainText } from '../util/escape.js';

/** Labels every incident issue carries; `service:<key>` is added per service. */
export const INCIDENT_LABELS = ['uptime', 'incident'] as const;

const LABEL_COLORS: Record<string, { color: string; description: string }> = {
  uptime: { color: '0e8a16', description: 'Opened by uptime-action' },
  incident: { color: 'b60205', description: 'A service is down or degraded' },
};
const SERVICE_LABEL = { color: '1d76db', description: 'Incidents of one monitored service' };

/** `🔴 Coqui Voice Service is down` / `🟠 Coqui Voice Service is degraded`. */
export function incidentTitle(service: Pick<ServiceConfig, 'name'>, kind: IncidentRef['kind']): string {
  // Plain text (GitHub renders no Markdown in a title), short: GitHub refuses titles over 256 characters.
  const name = plainText(service.name, MAX_NAME);
  return kind === 'down' ? `🔴 ${name} is down` : `🟠 ${name} is degraded`;
}

/** The label that finds a service's incidents: `service:<key>`. */
function serviceLabel(service: Pick<ServiceConfig, 'id'>): string {
  return `service:${service.id}`;
}

export interface GitHubIncidentLogOptions extends RepoRef {
  client: GitHubClient;
  logger: Logger;
  /** Scrubs secrets from every issue and comment body (src/util/redact.ts `createRedactor`). @default none */
  redact?: (text: string) => string;
}

const needs = 'issues: write';

/**
 * Incidents as GitHub issues: one open issue per service, found by its labels before one is opened, and
 * de-duplicated after opening, so concurrent runs and retried requests never leave two open.
 */
export class GitHubIncidentLog implements IncidentLog {
  private readonly labelsReady = new Set<string>();

  constructor(private readonly options: GitHubIncidentLogOptions) {}

  private get repo(): RepoRef {
    return { owner: this.options.owner, repo: this.options.repo };
  }

  /** Open incident issues of a service, oldest (lowest number) first. */
  private async listOpen(service: ServiceConfig): Promise<IssueData[]> {
    const issues = await requestData(
      this.options.client,
      'GET /repos/{owner}/{repo}/issues',
      { ...this.repo, state: 'open', labels: `incident,${serviceLabel(service)}`, per_page: 100 },
      z.array(IssueSchema),
    );
    return issues.filter((issue) => !issue.pull_request).sort((a, b) => a.number - b.number);
  }

  async findOpen(service: ServiceConfig): Promise<IncidentRef | undefined> {
    try {
      const [first] = await this.listOpen(service);
      return first ? toRef(first) : undefined;
    } catch (error) {
      throw this.failure(service, 'look up the open incident issue', error);
    }
  }

  async openIncidents(services: readonly ServiceConfig[]): Promise<Record<string, IncidentRef>> {
    try {
      // One page, oldest first: a repository with more than 100 open incidents has other trouble, and the
      // per-service lookup before opening one still finds the rest.
      const issues = await requestData(
        this.options.client,
        'GET /repos/{owner}/{repo}/issues',
        { ...this.repo, state: 'open', labels: 'incident', per_page: 100, sort: 'created', direction: 'asc' },
        z.array(IssueSchema),
      );
      const found: Record<string, IncidentRef> = {};
      for (const issue of issues) {
        if (issue.pull_request) continue;
        const names = new Set(issue.labels.map((label) => (typeof label === 'string' ? label : label.name)));
        const service = services.find((s) => names.has(serviceLabel(s)));
        if (service && !Object.hasOwn(found, service.id)) found[service.id] = toRef(issue);
      }
      return found;
    } catch (error) {
      throw new IncidentError(
        `Could not list the open incident issues of ${this.options.owner}/${this.options.repo} (${describeError(error)}). Fix: ${fixFor(errorStatus(error), needs, error)}`,
        { cause: error },
      );
    }
  }

  async open(
    service: ServiceConfig,
    kind: IncidentRef['kind'],
    body: string,
    at: number,
  ): Promise<IncidentRef> {
    try {
      const existing = (await this.listOpen(service))[0];
      if (existing) return await this.reuse(service, existing, kind, body);
      await this.ensureLabels(service);
      const created = await requestData(
        this.options.client,
        'POST /repos/{owner}/{repo}/issues',
        {
          ...this.repo,
          title: incidentTitle(service, kind),
          body: this.options.redact ? this.options.redact(body) : body,
          labels: [...INCIDENT_LABELS, serviceLabel(service)],
        },
        IssueSchema,
      );
      this.options.logger.info(`Opened incident #${created.number} for ${service.name}: ${created.html_url}`);
      const kept = await this.closeDuplicates(service, created);
      // Ours survived: it started at the detection time. Theirs survived: it says when and what it was.
      return kept.number === created.number ? { ...toRef(kept), openedAt: at, kind } : toRef(kept);
    } catch (error) {
      throw this.failure(service, 'open an incident issue', error);
    }
  }

  async comment(service: ServiceConfig, ref: IncidentRef, body: string): Promise<void> {
    try {
      await this.options.client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...this.repo,
        issue_number: ref.number,
        body: this.options.redact ? this.options.redact(body) : body,
      });
    } catch (error) {
      throw this.failure(service, `comment on incident #${ref.number}`, error);
    }
  }

  async resolve(service: ServiceConfig, ref: IncidentRef, body: string): Promise<void> {
    try {
      await this.comment(service, ref, body);
      await this.close(ref.number, 'completed');
      this.options.logger.info(`Closed incident #${ref.number} for ${service.name}.`);
    } catch (error) {
      const status = errorStatus(error) ?? errorStatus(field(error, 'cause'));
      if (status === 404 || status === 410) {
        // Someone deleted or transferred the issue; there is nothing left to close.
        this.options.logger.warn(
          `Incident #${ref.number} of ${service.name} no longer exists (HTTP ${status}); treating it as resolved.`,
        );
        return;
      }
      throw error instanceof IncidentError
        ? error
        : this.failure(service, `close incident #${ref.number}`, error);
    }
  }

  /** A concurrent run (or an earlier one) already opened it: upgrade degraded → down, otherwise leave it. */
  private async reuse(
    service: ServiceConfig,
    issue: IssueData,
    kind: IncidentRef['kind'],
    body: string,
  ): Promise<IncidentRef> {
    const ref = toRef(issue);
    if (kind === 'down' && ref.kind === 'degraded') {
      await this.options.client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        ...this.repo,
        issue_number: issue.number,
        title: incidentTitle(service, 'down'),
      });
      await this.comment(service, ref, body);
      return { ...ref, kind: 'down' };
    }
    return ref;
  }

  /** After opening: if another run opened one at the same moment, keep the lowest number and close the rest. */
  private async closeDuplicates(service: ServiceConfig, created: IssueData): Promise<IssueData> {
    const open = await this.listOpen(service);
    if (!open.some((i) => i.number === created.number)) open.push(created);
    open.sort((a, b) => a.number - b.number);
    const [keep, ...duplicates] = open;
    for (const duplicate of duplicates) {
      this.options.logger.warn(
        `Incident #${duplicate.number} duplicates #${keep.number} for ${service.name}; closing it.`,
      );
      await this.options.client.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        ...this.repo,
        issue_number: duplicate.number,
        body: `Duplicate of #${keep.number} (opened by a concurrent run). Closing this one.`,
      });
      await this.close(duplicate.number, 'duplicate');
    }
    return keep;
  }

  private async close(issueNumber: number, reason: 'completed' | 'duplicate'): Promise<void> {
    await this.options.client.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
      ...this.repo,
      issue_number: issueNumber,
      state: 'closed',
      state_reason: reason,
    });
  }

  /**
   * Creates `uptime`, `incident` and `service:<key>` when missing. One read (the repository's labels) tells which
   * exist, so a later incident makes no label write at all; a label beyond the first page, or a failed read,
   * falls back to creating it (422 already_exists is fine).
   */
  private async ensureLabels(service: ServiceConfig): Promise<void> {
    const wanted: Array<[string, { color: string; description: string }]> = [
      ...INCIDENT_LABELS.map((name): [string, { color: string; description: string }] => [
        name,
        LABEL_COLORS[name],
      ]),
      [
        serviceLabel(service),
        { ...SERVICE_LABEL, description: `Incidents of ${service.name}`.slice(0, 100) },
      ],
    ];
    const missing = wanted.filter(([name]) => !this.labelsReady.has(name));
    if (missing.length === 0) return;
    const existing = await this.existingLabels();
    for (const [name, style] of missing) {
      if (existing.has(name.toLowerCase())) {
        this.labelsReady.add(name);
        continue;
      }
      try {
        await this.options.client.request('POST /repos/{owner}/{repo}/labels', {
          ...this.repo,
          name,
          ...style,
        });
      } catch (error) {
        if (!(errorStatus(error) === 422 && errorCode(error) === 'already_exists')) throw error;
      }
      this.labelsReady.add(name);
    }
  }

  /** Names (lower case: GitHub's labels are case-insensitive) of the repository's first 100 labels; none if the read fails. */
  private async existingLabels(): Promise<Set<string>> {
    try {
      const labels = await requestData(
        this.options.client,
        'GET /repos/{owner}/{repo}/labels',
        { ...this.repo, per_page: 100 },
        LabelsSchema,
      );
      return new Set(labels.map((label) => label.name.toLowerCase()));
    } catch {
      return new Set();
    }
  }

  private failure(service: ServiceConfig, what: string, error: unknown): IncidentError {
    const status = errorStatus(error);
    return new IncidentError(
      `Service "${service.id}": could not ${what} in ${this.options.owner}/${this.options.repo} (${describeError(error)}). Fix: ${fixFor(status, needs, error)}`,
      { cause: error },
    );
  }
}

/** A failed incident-issue call; the message names the service, the repository, GitHub's answer and the fix. */
export class IncidentError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'IncidentError';
  }
}

function toRef(issue: IssueData): IncidentRef {
  return {
    number: issue.number,
    url: issue.html_url,
    openedAt: Date.parse(issue.created_at),
    kind: issue.title.startsWith('🟠') ? 'degraded' : 'down',
  };
}
