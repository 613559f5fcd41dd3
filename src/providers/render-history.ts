/**
 * Render forensics and rollback (docs/recovery.md): `GET /services/{id}/deploys?limit=N` answers
 * `[{ deploy: { id, status, createdAt, commit?: { id, message } }, cursor }]`, newest first;
 * `POST /services/{id}/rollback` with `{ deployId }` starts a deploy of that earlier one.
 * Render's public API has no per-deploy log endpoint matching `logs()` here, so it is not offered.
 */
import * as z from 'zod/mini';
import type {
  ActionResult,
  Deployment,
  DeploymentHistory,
  ProviderContext,
  RollbackOptions,
  ProviderService,
} from './types.js';
import { providerError, type CallSite } from './http.js';

const listedDeploy = z.looseObject({
  deploy: z.looseObject({
    id: z.string(),
    status: z.string(),
    createdAt: z.string(),
    commit: z.optional(
      z.nullable(z.looseObject({ id: z.optional(z.string()), message: z.optional(z.string()) })),
    ),
  }),
});
const deployList = z.array(listedDeploy);
const rolledBack = z.looseObject({ id: z.string(), status: z.optional(z.string()) });

/** What a Render call looks like (render.ts's `renderCall`). */
export type RenderCall = <S extends z.ZodMiniType>(
  schema: S,
  req: { path: string; method?: 'GET' | 'POST'; body?: unknown },
) => Promise<{ body: z.output<S> }>;

/** The latest deploy and the newest `live`-ending one before it (Render calls a finished deploy `live` or `deactivated`). */
export async function renderDeployments(call: RenderCall, id: string): Promise<DeploymentHistory> {
  const { body } = await call(deployList, { path: `/services/${encodeURIComponent(id)}/deploys?limit=20` });
  const deploys: Deployment[] = body.map(({ deploy }) => ({
    id: deploy.id,
    status: deploy.status,
    createdAt: deploy.createdAt,
    commitSha: deploy.commit?.id,
    commitMessage: deploy.commit?.message,
  }));
  const [latest, ...older] = deploys;
  // An earlier deploy that went live is `deactivated` once a newer one replaced it.
  const previousSuccessful = older.find((d) => d.status === 'live' || d.status === 'deactivated');
  return { latest, previousSuccessful };
}

/** Rolls back to `toDeploymentId` or the previous successful deploy; `dryRun` only names it. */
export async function renderRollback(
  call: RenderCall,
  ctx: ProviderContext,
  service: ProviderService,
  id: string,
  options: RollbackOptions = {},
): Promise<ActionResult> {
  const site: CallSite = { service, provider: 'render', operation: 'rollback' };
  const target = options.toDeploymentId ?? (await renderDeployments(call, id)).previousSuccessful?.id;
  if (!target) {
    throw providerError(
      site,
      'no earlier successful deploy to roll back to',
      'Pass the deploy to roll back to, or redeploy instead.',
      { env: ctx.env },
    );
  }
  if (options.dryRun)
    return { ok: true, detail: `would roll back to Render deploy ${target}`, deploymentId: target };
  const { body } = await call(rolledBack, {
    method: 'POST',
    path: `/services/${encodeURIComponent(id)}/rollback`,
    body: { deployId: target },
  });
  return {
    ok: true,
    detail: `Render rolled back to deploy ${target} (new deploy ${body.id})`,
    deploymentId: body.id,
  };
}
