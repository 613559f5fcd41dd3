import type { ServiceConfig } from '../../src/config/schema.js';
import type { IncidentLog } from '../../src/incidents/types.js';
import type { IncidentRef } from '../../src/state/types.js';

/** An incident log kept in memory, to see what the engine wrote. */
export class MemoryIncidentLog implements IncidentLog {
  issues: Array<{
    number: number;
    service: string;
    title: string;
    body: string;
    comments: string[];
    open: boolean;
  }> = [];

  async findOpen(service: ServiceConfig): Promise<IncidentRef | undefined> {
    const issue = this.issues.find((i) => i.open && i.service === service.id);
    return issue ? { number: issue.number, openedAt: 0, kind: 'down' } : undefined;
  }

  async openIncidents(services: readonly ServiceConfig[]): Promise<Record<string, IncidentRef>> {
    const found: Record<string, IncidentRef> = {};
    for (const issue of this.issues)
      if (issue.open && services.some((s) => s.id === issue.service) && !found[issue.service])
        found[issue.service] = { number: issue.number, openedAt: 0, kind: 'down' };
    return found;
  }

  async open(
    service: ServiceConfig,
    kind: 'down' | 'degraded',
    body: string,
    at: number,
  ): Promise<IncidentRef> {
    const existing = this.issues.find((i) => i.open && i.service === service.id);
    if (existing) return { number: existing.number, openedAt: at, kind };
    const number = this.issues.length + 1;
    this.issues.push({
      number,
      service: service.id,
      title: `${kind} ${service.name}`,
      body,
      comments: [],
      open: true,
    });
    return { number, openedAt: at, kind };
  }

  async comment(_service: ServiceConfig, ref: IncidentRef, body: string): Promise<void> {
    this.issues[ref.number - 1].comments.push(body);
  }

  async resolve(_service: ServiceConfig, ref: IncidentRef, body: string): Promise<void> {
    this.issues[ref.number - 1].comments.push(body);
    this.issues[ref.number - 1].open = false;
  }
}
