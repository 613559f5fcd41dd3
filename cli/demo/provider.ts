import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  ActionResult,
  Deployment,
  LogLine,
  Provider,
  ProviderService,
} from '../../src/providers/types.js';

/** A demo deployment: a platform deployment plus the version it runs. */
export interface DemoDeployment extends Deployment {
  version: string;
}

/**
 * The demo's local "platform": the `command` provider's restarts, plus a deployment list per service (newest
 * first), the service's log file as its logs, and a rollback that writes the target's version to
 * `<service>.version` (read by restart.mjs) and restarts the process.
 */
export class DemoPlatform {
  readonly deployments = new Map<string, DemoDeployment[]>();

  constructor(
    private readonly base: Provider,
    private readonly dir: string,
  ) {}

  /**
   * Records a deployment (newest first) and makes it the version a restart starts. `releaseLog` is what the
   * platform's release phase printed, appended to the service's log before the new version starts, as a
   * platform's deployment logs show the release output before the app's own.
   */
  async deploy(service: string, deployment: DemoDeployment, releaseLog: string[] = []): Promise<void> {
    this.deployments.set(service, [deployment, ...(this.deployments.get(service) ?? [])]);
    if (releaseLog.length)
      await appendFile(join(this.dir, `${service}.log`), releaseLog.map((line) => `${line}\n`).join(''));
    await writeFile(join(this.dir, `${service}.version`), `${deployment.version}\n`);
  }

  /** The provider the engine calls. */
  provider(): Provider {
    const list = (service: ProviderService) => this.deployments.get(service.id) ?? [];
    return {
      type: this.base.type,
      restart: (service, ctx) => this.base.restart(service, ctx),
      redeploy: (service, ctx) => this.base.redeploy(service, ctx),
      deployments: async (service) => {
        const [latest, ...older] = list(service);
        return { latest, previousSuccessful: older.find((d) => d.status === 'SUCCESS') };
      },
      logs: async (service, _ctx, options): Promise<LogLine[]> => {
        const text = await readFile(join(this.dir, `${service.id}.log`), 'utf8').catch(() => '');
        return text
          .split('\n')
          .filter(Boolean)
          .slice(-(options.limit ?? 50))
          .map((message) => ({ message }));
      },
      rollback: async (service, ctx, options = {}): Promise<ActionResult> => {
        const [latest, ...older] = list(service);
        const target = options.toDeploymentId
          ? older.find((d) => d.id === options.toDeploymentId)
          : older.find((d) => d.status === 'SUCCESS');
        if (!target || !latest)
          return { ok: false, detail: 'no earlier successful deployment to go back to' };
        if (options.dryRun)
          return { ok: true, detail: `would roll back to ${target.id}`, deploymentId: target.id };
        latest.status = 'ROLLED_BACK';
        await this.deploy(service.id, {
          ...target,
          id: `${target.id}-rb`,
          createdAt: new Date(ctx.clock.now()).toISOString(),
          commitMessage: `rollback to ${target.id}`,
        });
        const restarted = await this.base.restart(service, ctx);
        return {
          ...restarted,
          detail: `rolled back to ${target.id} (v${target.version}): ${restarted.detail}`,
        };
      },
    };
  }
}
