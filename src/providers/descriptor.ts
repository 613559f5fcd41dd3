/**
 * What one provider file exports: everything the rest of the code knows about a platform. The registry
 * lists these; the config's `recovery` union, display names, secret-variable lists and doctor hints are
 * derived from them, so adding a platform is one file and one registry line.
 * The providers import nothing from `config/` (the config imports the registry, not the reverse): a provider
 * reads a `ProviderService` (providers/types.ts), which the config's `ServiceConfig` extends.
 */
import * as z from 'zod/mini';
import type { Provider, ProviderTiming } from './types.js';

/** The recovery steps a config may list, in ladder order. */
export const RECOVERY_ACTIONS = ['restart', 'redeploy', 'rollback'] as const;
export type RecoveryAction = (typeof RECOVERY_ACTIONS)[number];

/** `recovery.actions`: a non-empty list of steps. */
export const recoveryActions = z.array(z.enum(RECOVERY_ACTIONS)).check(z.minLength(1));
/** A non-empty identifier (service ID, app name). */
export const nonEmpty = z.string().check(z.minLength(1));
/** An environment variable name, e.g. `HOOK_SECRET`. */
export const envName = z
  .string()
  .check(
    z.regex(/^[A-Z_][A-Z0-9_]*$/i, { error: 'must be an environment variable name such as HOOK_SECRET.' }),
  );

/** One platform's descriptor; `S` is its `recovery` schema (a strict object with a literal `provider`). */
export interface ProviderDescriptor<T extends string = string, S extends z.ZodMiniType = z.ZodMiniType> {
  /** The config's `recovery.provider` value. */
  readonly type: T;
  /** People's name for it, used in every message: `Railway`, `Fly.io`. */
  readonly displayName: string;
  /** The `recovery` keys of this provider, `provider: z.literal(type)` included. */
  readonly configSchema: S;
  /** The ladder when the config lists no `actions` (may depend on the other keys). */
  readonly defaultActions: (recovery: z.output<S>) => RecoveryAction[];
  /** Environment variables it reads that hold secrets (for the redactor and docs). */
  readonly secretEnv: readonly string[];
  /** Doctor fixes by topic, e.g. `{ token: 'Set RENDER_API_KEY to …' }`. */
  readonly hints: Readonly<Record<string, string>>;
  /** A provider instance; `timing` sets defaults that `ctx.timing` can still override. */
  readonly create: (timing?: ProviderTiming) => Provider;
}

/** Declares a descriptor, keeping its literal `type` and schema type for the derived config union. */
export function defineProvider<T extends string, S extends z.ZodMiniType>(
  descriptor: ProviderDescriptor<T, S>,
): ProviderDescriptor<T, S> {
  return descriptor;
}
