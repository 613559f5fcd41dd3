import { renderDoctor, runDoctor, type DoctorReport } from '../../src/providers/doctor.js';
import { probeMonitor } from '../../src/monitors/registry.js';
import { probeAll } from '../../src/probe/sweep.js';
import type { ProbeResult } from '../../src/probe/types.js';
import { buildDeps } from '../deps.js';
import { loadCliConfig, rejectPositionals, type CommandContext } from '../context.js';

/** What a probe found, as one doctor check: the status and time, or the cause and the fix. */
export function probeCheck(
  result: ProbeResult,
  url: string,
): DoctorReport['services'][number]['checks'][number] {
  if (result.ok) {
    return {
      check: 'health URL answers',
      ok: true,
      detail: `${url} → ${result.status !== undefined ? `HTTP ${result.status}` : 'answered'} in ${result.responseMs}ms${result.certDaysLeft !== undefined ? `, certificate ${result.certDaysLeft} days left` : ''}`,
    };
  }
  const fix: Record<ProbeResult['kind'], string> = {
    ok: '',
    status: 'the service answers but not with an expected status: check the URL path and expect.status.',
    body: 'the answer lacks what expect.body asks for: check the URL and expect.body.',
    json: 'the JSON answer differs from expect.json: check the URL and expect.json.',
    timeout: 'no answer in time: is the service up? raise timeout if it is just slow.',
    refused: 'nothing listens there: check the host and port, and that the service runs.',
    network: 'the host could not be reached: check the host name, DNS and your network.',
    missed: 'the job has not pinged in time: check that it runs and pings its URL (docs/monitors.md).',
    certificate: 'the TLS certificate is about to expire or has expired: renew it (a restart will not).',
  };
  return {
    check: 'health URL answers',
    ok: false,
    detail: `${url} → ${result.error ?? result.kind}`,
    fix: `${fix[result.kind]}`,
  };
}

/**
 * Which face checks a heartbeat: only one that receives pings. Not a failure: the doctor says where to run it.
 */
export function heartbeatFaceCheck(): DoctorReport['services'][number]['checks'][number] {
  return {
    check: 'heartbeat is served',
    ok: true,
    detail:
      'pinged at POST /ping/<token> (also /start, /fail) on the bot’s server (hosted watch) or on `uptime-action watch --listen`; a scheduled Action run cannot receive pings and reports it "not checked"',
  };
}

/**
 * `uptime-action doctor`: probes every health URL once, then the provider's read-only checks per service
 * (token present and accepted, service ID exists, environment resolvable, a deployment to restart,
 * permission). Never restarts anything. Exit 0 when every check passes, 1 otherwise.
 */
export async function doctorCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  rejectPositionals(ctx);
  const config = await loadCliConfig(ctx);
  const { deps } = buildDeps(config, {
    env: io.env,
    logger: ctx.logger,
    statePath: '.uptime/state.json',
    incidents: 'none',
  });
  const fetchImpl = deps.providerContext.fetch;
  const services = Object.values(config.services);
  const [probes, providers] = await Promise.all([
    probeAll(services, (s) => probeMonitor(s, { fetch: fetchImpl, now: ctx.now }), config.probeConcurrency),
    runDoctor(config, deps.provider, deps.providerContext),
  ]);
  const report: DoctorReport = {
    ok: false,
    services: providers.services.map((s, i) => {
      const first =
        services[i].type === 'heartbeat' ? heartbeatFaceCheck() : probeCheck(probes[i], services[i].url);
      const checks = [first, ...s.checks];
      return { ...s, ok: checks.every((c) => c.ok), checks };
    }),
  };
  report.ok = report.services.every((s) => s.ok);
  io.out(args.json ? JSON.stringify(report, null, 2) : renderDoctor(report));
  return report.ok ? 0 : 1;
}
