/**
 * Fly.io forensics (docs/recovery.md) over the Machines API (https://fly.io/docs/machines/api/machines-resource/).
 *
 * What it can give: each machine's current image (`config.image`, `image_ref { repository, tag, digest }`),
 * the release it belongs to (`config.metadata.fly_release_id` / `fly_release_version`, set by `fly deploy`),
 * its state and `updated_at`. That is the latest deployment.
 *
 * What it cannot give, so the provider does not offer it:
 * - the previous release: the Machines API keeps no release history (releases live in Fly's GraphQL API,
 *   `flyctl releases`), so there is no rollback target and no `rollback()`. Updating a machine with an
 *   older image (`POST /v1/apps/{app}/machines/{id}` with the whole config) is documented, but which image
 *   was the previous good one is not something the Machines API can answer; use a `command` provider
 *   running `fly deploy --image <previous image>` for a rollback step.
 * - logs: Fly streams logs over NATS (`flyctl logs`), not over a documented Machines API endpoint, so there
 *   is no `logs()`.
 */
import * as z from 'zod/mini';
import type { Deployment, DeploymentHistory } from './types.js';
import type { flyMachine } from './fly.js';

/** The fields of a listed machine that describe what it runs (all optional: extra keys are kept). */
export const flyMachineImage = z.looseObject({
  updated_at: z.optional(z.string()),
  image_ref: z.optional(
    z.nullable(
      z.looseObject({
        repository: z.optional(z.string()),
        tag: z.optional(z.string()),
        digest: z.optional(z.nullable(z.string())),
      }),
    ),
  ),
  config: z.optional(
    z.nullable(
      z.looseObject({
        image: z.optional(z.string()),
        metadata: z.optional(z.nullable(z.record(z.string(), z.unknown()))),
      }),
    ),
  ),
});

/**
 * The app's current release from its machines: the newest-updated machine's release (or image), with the
 * machines' states as status (`started`, or e.g. `1 started, 1 stopped`). `previousSuccessful` is always
 * undefined: the Machines API has no release history.
 */
export function flyDeployments(machines: Array<z.output<typeof flyMachine>>): DeploymentHistory {
  const described = machines.map((m) => ({ machine: m, image: z.safeParse(flyMachineImage, m) }));
  const newest = described
    .filter((d) => d.image.success)
    .sort(
      (a, b) => Date.parse(b.image.data?.updated_at ?? '') - Date.parse(a.image.data?.updated_at ?? ''),
    )[0];
  if (!newest?.image.success) return {};
  const info = newest.image.data;
  const metadata = info.config?.metadata ?? {};
  const release = typeof metadata.fly_release_id === 'string' ? metadata.fly_release_id : undefined;
  const version = metadata.fly_release_version;
  const image =
    info.config?.image ??
    (info.image_ref ? `${info.image_ref.repository ?? ''}:${info.image_ref.tag ?? ''}` : undefined);
  const counts = new Map<string, number>();
  for (const { machine } of described)
    counts.set(machine.state ?? 'unknown', (counts.get(machine.state ?? 'unknown') ?? 0) + 1);
  const status =
    counts.size === 1 ? [...counts.keys()][0] : [...counts].map(([s, n]) => `${n} ${s}`).join(', ');
  const latest: Deployment = {
    id: release ?? info.image_ref?.digest ?? image ?? newest.machine.id,
    status,
    createdAt: info.updated_at ?? '',
    ...(image ? { image } : {}),
    ...(version !== undefined && version !== null ? { version: `v${String(version)}` } : {}),
  };
  return { latest };
}
