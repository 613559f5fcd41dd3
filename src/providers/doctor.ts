/**
 * `uptime-action doctor`: for every configured service, the provider's read-only checks (token present
 * and accepted, service exists, environment, something to restart, permission). Never restarts anything.
 */
import { providerFor, type ProviderType } from './registry.js';
import {
  ProviderError,
  type DoctorCheck,
  type Provider,
  type ProviderContext,
  type ProviderService,
} from './types.js';

/** What the doctor reads of a config: its services (a `Config` is one). */
type DoctorConfig = { services: Record<string, ProviderService> };

/** One service's rows. */
export interface DoctorServiceReport {
  /** The service key. */
  service: string;
  name: string;
  provider?: ProviderType;
  ok: boolean;
  checks: DoctorCheck[];
}

export interface DoctorReport {
  /** Every check of every service passed. */
  ok: boolean;
  services: DoctorServiceReport[];
}

/**
 * Runs the checks of every service (in parallel; rows keep the config's order).
 * `runDoctor(config, ctx)` uses the registry; `runDoctor(config, provider, ctx)` takes the lookup, as EngineDeps does.
 */
export async function runDoctor(config: DoctorConfig, ctx: ProviderContext): Promise<DoctorReport>;
export async function runDoctor(
  config: DoctorConfig,
  provider: (type: ProviderType) => Provider,
  ctx: ProviderContext,
): Promise<DoctorReport>;
export async function runDoctor(
  config: DoctorConfig,
  second: ProviderContext | ((type: ProviderType) => Provider),
  third?: ProviderContext,
): Promise<DoctorReport> {
  const lookup = typeof second === 'function' ? second : providerFor;
  const ctx = typeof second === 'function' ? third : second;
  if (!ctx) throw new TypeError('runDoctor needs a ProviderContext.');
  const services = await Promise.all(
    Object.values(config.services).map(async (service): Promise<DoctorServiceReport> => {
      const type = service.recovery?.provider;
      let checks: DoctorCheck[];
      if (!type) {
        checks = [
          { check: 'recovery', ok: true, detail: 'none configured: monitored only, never restarted' },
        ];
      } else {
        const provider = lookup(type);
        try {
          checks = provider.doctor
            ? await provider.doctor(service, ctx)
            : [{ check: 'provider', ok: true, detail: `${type} has no read-only checks` }];
        } catch (error: unknown) {
          checks = [
            {
              check: 'checks ran',
              ok: false,
              detail: error instanceof Error ? error.message : String(error),
              fix:
                error instanceof ProviderError ? error.details.fix : 'Report this as a bug in uptime-action.',
            },
          ];
        }
      }
      return {
        service: service.id,
        name: service.name,
        provider: type,
        ok: checks.every((c) => c.ok),
        checks,
      };
    }),
  );
  return { ok: services.every((s) => s.ok), services };
}

/** The report as a text table: one row per check, ✅ / ❌, and the fix under every ❌. */
export function renderDoctor(report: DoctorReport): string {
  const all = report.services.flatMap((s) => s.checks);
  const failed = all.filter((c) => !c.ok).length;
  const width = Math.max(5, ...all.map((c) => c.check.length));
  const lines = [
    `uptime-action doctor: ${report.services.length} service(s), ${all.length} check(s), ${failed ? `${failed} failed ❌` : 'all passed ✅'}`,
  ];
  for (const s of report.services) {
    lines.push('', `${s.ok ? '✅' : '❌'} ${s.name} (${s.service})${s.provider ? ` · ${s.provider}` : ''}`);
    for (const c of s.checks) {
      lines.push(`   ${c.ok ? '✅' : '❌'} ${c.check.padEnd(width)}  ${c.detail}`);
      if (!c.ok && c.fix) lines.push(`      ${' '.repeat(width)}  fix: ${c.fix}`);
    }
  }
  return lines.join('\n');
}
