import { describe, expect, it } from '@jest/globals';
import * as z from 'zod/mini';
import { defineProvider } from '../../src/providers/descriptor.js';
import { performAction } from '../../src/providers/actions.js';
import { descriptorFor, providerFor, registerProvider } from '../../src/providers/registry.js';
import type { ServiceConfig } from '../../src/config/schema.js';
import { testContext } from './context.js';

// A provider is one file: this descriptor is all a new platform needs (plus one registry line; here the
// test-only registerProvider stands in for that line).
const calls: string[] = [];
const throwaway = defineProvider({
  type: 'throwaway',
  displayName: 'Throwaway',
  configSchema: z.strictObject({ provider: z.literal('throwaway'), box: z.string() }),
  defaultActions: () => ['restart'],
  secretEnv: ['THROWAWAY_TOKEN'],
  hints: { token: 'Set THROWAWAY_TOKEN.' },
  create: () => ({
    type: 'throwaway',
    restart: async (service) => {
      calls.push(`restart ${service.id}`);
      return { ok: true, detail: `box restarted for ${service.name}` };
    },
    redeploy: async () => ({ ok: false, detail: 'no redeploy' }),
  }),
});

describe('adding a provider is one file and one line (issue 10)', () => {
  it('registers, validates its recovery keys, and runs a restart through the shared action path', async () => {
    registerProvider(throwaway);
    const descriptor = descriptorFor('throwaway');
    expect(descriptor.displayName).toBe('Throwaway');
    const recovery = z.parse(descriptor.configSchema, { provider: 'throwaway', box: 'b1' });
    expect(descriptor.defaultActions(recovery)).toEqual(['restart']);
    const service = { id: 'api', name: 'API', recovery } as unknown as ServiceConfig;
    const result = await performAction(providerFor('throwaway'), 'restart', service, testContext().ctx);
    expect(result).toEqual({ ok: true, detail: 'box restarted for API' });
    expect(calls).toEqual(['restart api']);
    // An action it does not offer is a clear ProviderError naming the platform.
    await expect(
      performAction(providerFor('throwaway'), 'rollback', service, testContext().ctx),
    ).rejects.toThrow(/Throwaway rollback failed \(this platform offers no rollback\)/);
  });
});
