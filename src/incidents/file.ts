import { z } from 'zod';
import { incidentSchema } from '../state/schema.js';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { ServiceConfig } from '../config/schema.js';
import type { IncidentRef } from '../state/types.js';
import type { IncidentLog } from './types.js';
import { gitHubMarkdown, MAX_NAME, plainText } from '../util/escape.js';
import { incidentTitle } from './github.js';

/** The JSON index beside the Markdown log: the next number and the open incident of each service. */
interface IncidentIndex {
  next: number;
  open: Record<string, IncidentRef>;
}

/** The index as read from disk: a file anyone can edit, parsed before use. */
const IndexSchema = z.object({
  next: z.number().int().positive().optional(),
  open: z.record(z.string(), incidentSchema).optional(),
});

/**
 * Incidents for the CLI, with no GitHub: an append-only Markdown log (`incidents.md`) that people read, and a
 * JSON index (`incidents.json`) of the open incident per service. Same contract as the GitHub log: at most one
 * open incident per service.
 */
export class FileIncidentLog implements IncidentLog {
  /** The Markdown log, next to the index. */
  readonly logPath: string;

  /**
   * @param indexPath the JSON index, e.g. `.uptime/incidents.json`; the log is `incidents.md` in the same folder.
   * @param now the clock for timeline entries. @default Date.now
   * @param redact scrubs secrets from every entry written (src/util/redact.ts `createRedactor`). @default none
   */
  constructor(
    readonly indexPath: string,
    private readonly now: () => number = Date.now,
    private readonly redact: (text: string) => string = (text) => text,
  ) {
    this.logPath = join(dirname(indexPath), 'incidents.md');
  }

  async findOpen(service: ServiceConfig): Promise<IncidentRef | undefined> {
    return (await this.readIndex()).open[service.id];
  }

  async openIncidents(services: readonly ServiceConfig[]): Promise<Record<string, IncidentRef>> {
    const { open } = await this.readIndex();
    return Object.fromEntries(
      services.flatMap((s) => (Object.hasOwn(open, s.id) ? [[s.id, open[s.id]]] : [])),
    );
  }

  async open(
    service: ServiceConfig,
    kind: IncidentRef['kind'],
    body: string,
    at: number,
  ): Promise<IncidentRef> {
    const index = await this.readIndex();
    const existing = index.open[service.id];
    if (existing) {
      if (existing.kind === 'degraded' && kind === 'down') {
        const upgraded = { ...existing, kind };
        await this.saveIndex({ ...index, open: { ...index.open, [service.id]: upgraded } });
        await this.append(
          `### #${existing.number} · ${gitHubMarkdown(incidentTitle(service, 'down'))} · ${stamp(at)}\n\n${body}`,
        );
        return upgraded;
      }
      return existing;
    }
    const ref: IncidentRef = { number: index.next, openedAt: at, kind };
    await this.saveIndex({ next: index.next + 1, open: { ...index.open, [service.id]: ref } });
    await this.append(
      `## #${ref.number} · ${gitHubMarkdown(incidentTitle(service, kind))} · opened ${stamp(at)}\n\n${body}`,
    );
    return ref;
  }

  async comment(service: ServiceConfig, ref: IncidentRef, body: string): Promise<void> {
    await this.append(`### #${ref.number} · ${mdName(service)} · ${stamp(this.now())}\n\n${body}`);
  }

  async resolve(service: ServiceConfig, ref: IncidentRef, body: string): Promise<void> {
    const index = await this.readIndex();
    const open = { ...index.open };
    if (open[service.id]?.number === ref.number) delete open[service.id];
    await this.saveIndex({ ...index, open });
    await this.append(
      `### #${ref.number} · ✅ ${mdName(service)} resolved · ${stamp(this.now())}\n\n${body}`,
    );
  }

  private async readIndex(): Promise<IncidentIndex> {
    let text: string;
    try {
      text = await readFile(this.indexPath, 'utf8');
    } catch (error) {
      // Not `instanceof Error`: fs errors may come from another realm (jest's VM).
      if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT')
        return { next: 1, open: {} };
      throw error;
    }
    let parsed: z.infer<typeof IndexSchema>;
    try {
      parsed = IndexSchema.parse(JSON.parse(text));
    } catch (error) {
      const why =
        error instanceof z.ZodError
          ? error.issues[0]?.message
          : error instanceof Error
            ? error.message
            : String(error);
      throw new Error(
        `Incident index ${this.indexPath} is not a valid index (${why}). Fix: delete it; ${this.logPath} keeps the history.`,
        { cause: error },
      );
    }
    return { next: parsed.next ?? 1, open: parsed.open ?? {} };
  }

  /** Write-then-rename, so a crash never leaves half an index. */
  private async saveIndex(index: IncidentIndex): Promise<void> {
    await mkdir(dirname(this.indexPath), { recursive: true });
    const tmp = `${this.indexPath}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(index, null, 2)}\n`);
    await rename(tmp, this.indexPath);
  }

  private async append(entry: string): Promise<void> {
    await mkdir(dirname(this.logPath), { recursive: true });
    await appendFile(this.logPath, `${this.redact(entry).trimEnd()}\n\n`);
  }
}

/** A name in the Markdown log: shortened and escaped like an issue's (no HTML, no @everyone, no #1). */
function mdName(service: Pick<ServiceConfig, 'name'>): string {
  return gitHubMarkdown(plainText(service.name, MAX_NAME));
}

function stamp(at: number): string {
  return new Date(at)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, ' UTC');
}
