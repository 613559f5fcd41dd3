/**
 * Runs one ladder step (`restart`, `redeploy`, `rollback`) through a provider, so callers need not know
 * which method each step maps to, nor that `rollback` is optional.
 */
import type { RecoveryAction, ServiceConfig } from '../config/schema.js';
import { providerError } from './http.js';
import type { ActionResult, Provider, ProviderContext } from './types.js';

/** `provider.restart`, `.redeploy` or `.rollback` (to the previous successful deployment). Throws ProviderError. */
export async function performAction(
  provider: Provider,
  action: RecoveryAction,
  service: ServiceConfig,
  ctx: ProviderContext,
): Promise<ActionResult> {
  if (action === 'restart') return provider.restart(service, ctx);
  if (action === 'redeploy') return provider.redeploy(service, ctx);
  if (!provider.rollback) {
    throw providerError(
      { service, provider: provider.type, operation: 'rollback' },
      'this platform offers no rollback',
      'Drop rollback from recovery.actions for this service.',
    );
  }
  return provider.rollback(service, ctx, {});
}
