/**
 * Runs one ladder step (`restart`, `redeploy`, `rollback`) through a provider, so callers need not know
 * which method each step maps to, nor that `rollback` is optional.
 */
import type { RecoveryAction } from './descriptor.js';
import { providerError } from './http.js';
import type { ActionResult, Provider, ProviderContext, ProviderService } from './types.js';

/** Why a platform has no rollback here, and what to use instead (said once, plainly). */
const NO_ROLLBACK: Record<string, { cause: string; fix: string }> = {
  fly: {
    cause: "Fly's Machines API keeps no release history, so there is no previous release to go back to",
    fix: 'Drop rollback from recovery.actions, or use a command provider whose rollback runs `fly deploy --image <previous image>`.',
  },
};

/** `provider.restart`, `.redeploy` or `.rollback` (to the previous successful deployment). Throws ProviderError. */
export async function performAction(
  provider: Provider,
  action: RecoveryAction,
  service: ProviderService,
  ctx: ProviderContext,
): Promise<ActionResult> {
  if (action === 'restart') return provider.restart(service, ctx);
  if (action === 'redeploy') return provider.redeploy(service, ctx);
  if (!provider.rollback) {
    const why = NO_ROLLBACK[provider.type];
    throw providerError(
      { service, provider: provider.type, operation: 'rollback' },
      why ? `this platform offers no rollback: ${why.cause}` : 'this platform offers no rollback',
      why?.fix ?? 'Drop rollback from recovery.actions for this service.',
    );
  }
  return provider.rollback(service, ctx, {});
}
