import * as z from 'zod/mini';
import { duration } from '../util/duration.js';

/**
 * The config keys of dependency- and deploy-aware recovery and of burn-rate alerts (docs/recovery.md), kept apart from
 * schema.ts so that file only gains a few lines.
 */

const factor = z.number().check(z.gt(1), z.lte(1000));

/** One burn-rate alert: the burn factor over a long window, confirmed over a short one (the SRE workbook). */
const burnWindowSchema = z.strictObject({
  /** How many times faster than the SLO allows the budget burns. */
  factor: z.optional(factor),
  long: z.optional(duration({ min: 60_000, max: 30 * 86_400_000 })),
  short: z.optional(duration({ min: 60_000, max: 30 * 86_400_000 })),
});

export const burnRateSchema = z.strictObject({
  /** `false` turns burn-rate alerts off. @default true */
  enabled: z.optional(z.boolean()),
  /** @default 14.4 over 1h, confirmed over 5m */
  fast: z.optional(burnWindowSchema),
  /** @default 6 over 6h, confirmed over 30m */
  slow: z.optional(burnWindowSchema),
});
export type BurnRateConfig = z.output<typeof burnRateSchema>;

export const deployAnalysisSchema = z.strictObject({
  /** Checks after the deploy compared with the same number before it. @default 20 */
  checks: z.optional(z.number().check(z.int(), z.minimum(2), z.maximum(500))),
  /** Fewest checks on each side before anything is decided. @default 10 */
  minChecks: z.optional(z.number().check(z.int(), z.minimum(2), z.maximum(500))),
  /** p95 after ÷ p95 before that counts as clearly slower. @default 2 */
  p95Ratio: z.optional(factor),
  /** Success rate drop, in percentage points, that counts as clearly erroring. @default 5 */
  errorRateIncrease: z.optional(z.number().check(z.gt(0), z.lte(100))),
});
export type DeployAnalysisConfig = z.output<typeof deployAnalysisSchema>;

/** Unknown names and cycles in `dependsOn`, as config problems (exit 2) that name them. */
export function dependencyProblems(
  services: Record<string, { dependsOn?: string[] }>,
): Array<{ path: string[]; message: string }> {
  const problems: Array<{ path: string[]; message: string }> = [];
  const known = Object.keys(services);
  for (const [key, service] of Object.entries(services)) {
    (service.dependsOn ?? []).forEach((name, index) => {
      if (name === key)
        problems.push({
          path: ['services', key, 'dependsOn', String(index)],
          message: `"${key}" depends on itself; remove it from its own dependsOn.`,
        });
      else if (!Object.hasOwn(services, name))
        problems.push({
          path: ['services', key, 'dependsOn', String(index)],
          message: `"${name}" is not a service of this config; use one of ${known.join(', ')}.`,
        });
    });
  }
  if (problems.length) return problems;
  const cycle = dependencyCycle(services);
  if (cycle)
    problems.push({
      path: ['services', cycle[0], 'dependsOn'],
      message: `dependsOn forms a cycle: ${cycle.join(' → ')}; a service can't wait for one that waits for it. Remove one of these links.`,
    });
  return problems;
}

/** The first cycle in `dependsOn`, as `[a, b, a]`; undefined when there is none. */
export function dependencyCycle(services: Record<string, { dependsOn?: string[] }>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const path: string[] = [];
  const visit = (id: string): string[] | undefined => {
    if (state.get(id) === 'done') return undefined;
    if (state.get(id) === 'visiting') return [...path.slice(path.indexOf(id)), id];
    state.set(id, 'visiting');
    path.push(id);
    const deps = Object.hasOwn(services, id) ? (services[id].dependsOn ?? []) : [];
    for (const dep of deps) {
      const cycle = Object.hasOwn(services, dep) ? visit(dep) : undefined;
      if (cycle) return cycle;
    }
    path.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of Object.keys(services)) {
    const cycle = visit(id);
    if (cycle) return cycle;
  }
  return undefined;
}
