import type { ProviderType } from './registry.js';
import type { ActionResult, Provider } from '../providers/types.js';

/**
 * A provider whose answers pass the face's redactor before the engine records them: the `detail` and
 * `output` of every restart, redeploy and rollback (they land in state, the incident timeline and replies)
 * and the message of every error it throws. The provider's own redactor knows only its token; this one also
 * knows every value the config expanded from `${VAR}` (a health URL's `?token=` echoed by a webhook).
 */
export function redactingProvider(provider: Provider, redact: (text: string) => string): Provider {
  const clean = (result: ActionResult): ActionResult => ({
    ...result,
    detail: redact(result.detail),
    ...(result.output === undefined ? {} : { output: redact(result.output) }),
  });
  const guard = async (run: () => Promise<ActionResult>): Promise<ActionResult> => {
    try {
      return clean(await run());
    } catch (error: unknown) {
      if (error instanceof Error) error.message = redact(error.message);
      throw error;
    }
  };
  const wrapped: Provider = {
    ...provider,
    restart: (service, ctx) => guard(() => provider.restart(service, ctx)),
    redeploy: (service, ctx) => guard(() => provider.redeploy(service, ctx)),
  };
  if (provider.rollback) {
    const rollback = provider.rollback.bind(provider);
    wrapped.rollback = (service, ctx, options) => guard(() => rollback(service, ctx, options));
  }
  return wrapped;
}

/** Wraps a provider lookup (`getProvider`) with {@link redactingProvider}. */
export function redactingProviders(
  lookup: (type: ProviderType) => Provider,
  redact: (text: string) => string,
): (type: ProviderType) => Provider {
  return (type) => redactingProvider(lookup(type), redact);
}
