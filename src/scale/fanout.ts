import { Queue, QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import * as z from 'zod/mini';
import type { ProbeResult } from '../probe/types.js';
import { formatDuration } from '../util/duration.js';
import { probeQueueName, type ProbeJobData } from './types.js';

/** A location's answer, parsed: it comes through Redis from another process (maybe another version). */
const probeResultsSchema = z.array(
  z.object({
    service: z.string(),
    ok: z.boolean(),
    kind: z.enum(['ok', 'status', 'body', 'json', 'timeout', 'refused', 'network', 'missed', 'certificate']),
    status: z.optional(z.number()),
    responseMs: z.number(),
    at: z.number(),
    error: z.optional(z.string()),
    confirm: z.optional(z.boolean()),
    local: z.optional(z.literal(true)),
    certDaysLeft: z.optional(z.number()),
    warning: z.optional(z.string()),
    noRecovery: z.optional(z.literal(true)),
    platformEvent: z.optional(z.string()),
  }),
);

/**
 * Asks other locations to probe: a job on the location's own queue (`probes-fra`), its answer awaited through
 * BullMQ's QueueEvents within a deadline. A late or failed answer is "missing" (with why), never a failure of
 * the service: the quorum does not count it.
 */
export class LocationProber {
  private readonly queues = new Map<string, { queue: Queue; events: QueueEvents; ready: Promise<unknown> }>();

  constructor(
    private readonly connect: () => Redis,
    private readonly prefix: string,
  ) {}

  private open(location: string) {
    let entry = this.queues.get(location);
    if (!entry) {
      const name = probeQueueName(location);
      const queue = new Queue(name, { connection: this.connect(), prefix: this.prefix });
      const events = new QueueEvents(name, { connection: this.connect(), prefix: this.prefix });
      entry = { queue, events, ready: events.waitUntilReady() };
      this.queues.set(location, entry);
    }
    return entry;
  }

  /** The location's results, or why there are none. */
  async ask(location: string, data: ProbeJobData, waitMs: number): Promise<ProbeResult[] | string> {
    try {
      const { queue, events, ready } = this.open(location);
      await ready; // events read from "now": listening before the job exists, so its answer is not missed
      const job = await queue.add('probe', data, {
        removeOnComplete: { age: 60, count: 1000 },
        removeOnFail: { age: 600, count: 1000 },
      });
      const answer = probeResultsSchema.safeParse(await job.waitUntilFinished(events, waitMs));
      if (!answer.success) {
        const issue = answer.error.issues[0];
        return `answer not understood (${issue?.path.join('.') || 'results'}: ${issue?.message})`;
      }
      const results: ProbeResult[] = answer.data;
      return results;
    } catch (error: unknown) {
      const message = error instanceof Error ? error.message : String(error);
      return /timed out/i.test(message)
        ? `no answer within ${formatDuration(waitMs)}`
        : `probe failed there: ${message}`;
    }
  }

  async close(): Promise<void> {
    await Promise.all(
      [...this.queues.values()].map(async ({ queue, events }) => {
        await events.close();
        await queue.close();
      }),
    );
    this.queues.clear();
  }
}
