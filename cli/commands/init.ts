import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { UsageError } from '../args.js';
import type { CommandContext } from '../context.js';
import {
  DEFAULT_SCHEDULE,
  PROVIDER_SECRET,
  renderConfig,
  renderWorkflow,
  type InitService,
} from '../init/templates.js';

const PROVIDERS = Object.keys(PROVIDER_SECRET);
const ID = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * `uptime-action init`: writes `.github/uptime.yml` and `.github/workflows/uptime.yml` in the current folder.
 * Services come from `--service name=url` flags, else from the old monitor's variables (BACKEND_URL,
 * COQUI_API_URL, ...), else from questions in a terminal. Never overwrites without `--force`.
 * Exit 0 written, 2 bad input or an existing file.
 */
export async function initCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  const cwd = io.cwd ?? process.cwd();
  const provider = checkProvider(args.provider);
  const schedule = checkSchedule(args.schedule ?? DEFAULT_SCHEDULE);
  let services = args.services.map((s) => parseServiceFlag(s, provider));
  if (services.length === 0) services = fromOldVariables(io.env);
  if (services.length === 0 && io.ask) services = await askServices(io.ask, provider);
  if (services.length === 0) {
    throw new UsageError(
      'init: no service given; use --service api=https://api.example.com/health (repeatable), or run it in a terminal to be asked. See uptime-action init --help',
      'init',
    );
  }
  const files = [
    { path: join(cwd, '.github', 'uptime.yml'), text: renderConfig(services) },
    { path: join(cwd, '.github', 'workflows', 'uptime.yml'), text: renderWorkflow(services, schedule) },
  ];
  const existing = files.filter((f) => existsSync(f.path)).map((f) => relative(cwd, f.path));
  if (existing.length && !args.force) {
    throw new UsageError(
      `init: ${existing.join(' and ')} already exist${existing.length === 1 ? 's' : ''}; nothing written. Add --force to overwrite.`,
      'init',
    );
  }
  for (const f of files) {
    await mkdir(dirname(f.path), { recursive: true });
    await writeFile(f.path, f.text);
    io.out(`✅ wrote ${relative(cwd, f.path)}`);
  }
  const secrets = [...new Set(services.map((s) => (s.provider ? PROVIDER_SECRET[s.provider] : undefined)))];
  io.out(
    [
      '',
      'Next:',
      '  1. uptime-action check          # probes every URL now',
      ...secrets
        .filter((s): s is string => s !== undefined)
        .map((s) => `  2. add the repository secret ${s} (Settings → Secrets and variables → Actions)`),
      '  3. commit and push .github/ ; the first run starts on the schedule or from the Actions tab',
    ].join('\n'),
  );
  return 0;
}

function checkProvider(value: string | undefined): string | undefined {
  if (value === undefined || value === 'none') return undefined;
  if (!PROVIDERS.includes(value)) {
    throw new UsageError(
      `init: --provider "${value}" is not a provider; use one of ${PROVIDERS.join(', ')}.`,
      'init',
    );
  }
  return value;
}

function checkSchedule(value: string): string {
  if (value.trim().split(/\s+/).length !== 5 || /['\n]/.test(value)) {
    throw new UsageError(
      `init: --schedule "${value}" is not a cron schedule of five fields, e.g. "*/30 * * * *".`,
      'init',
    );
  }
  return value.trim();
}

/** `api=https://api.example.com/health` → a service. @throws UsageError naming the flag */
export function parseServiceFlag(flag: string, provider?: string): InitService {
  const at = flag.indexOf('=');
  const id = flag.slice(0, at).trim();
  const url = flag.slice(at + 1).trim();
  if (at <= 0 || !ID.test(id)) {
    throw new UsageError(
      `init: --service "${flag}" needs the form name=url, the name in lower-case letters, digits, - or _ (e.g. api=https://api.example.com/health).`,
      'init',
    );
  }
  checkUrl(url, `--service ${id}`);
  return { id, url, provider };
}

function checkUrl(url: string, what: string): void {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol)) {
    throw new UsageError(
      `init: ${what}: "${url}" is not an http(s) URL, e.g. https://api.example.com/health.`,
      'init',
    );
  }
}

/** The old monitor's variables: BACKEND_URL + BACKEND_SERVICE_ID, COQUI_API_URL + COQUI_SERVICE_ID (Railway). */
export function fromOldVariables(env: NodeJS.ProcessEnv): InitService[] {
  const pairs = [
    { id: 'backend', url: env.BACKEND_URL, serviceId: env.BACKEND_SERVICE_ID },
    { id: 'coqui', url: env.COQUI_API_URL, serviceId: env.COQUI_SERVICE_ID },
  ];
  return pairs
    .filter((p) => p.url)
    .map((p) => {
      const url = `${p.url!.replace(/\/+$/, '')}/health`;
      checkUrl(url, p.id === 'backend' ? 'BACKEND_URL' : 'COQUI_API_URL');
      return p.serviceId ? { id: p.id, url, provider: 'railway', serviceId: p.serviceId } : { id: p.id, url };
    });
}

async function askServices(
  ask: (q: string) => Promise<string>,
  flagProvider?: string,
): Promise<InitService[]> {
  const services: InitService[] = [];
  for (;;) {
    const id = (
      await ask(`Service name (lower-case, e.g. api)${services.length ? ', empty to finish' : ''}: `)
    ).trim();
    if (!id) break;
    if (!ID.test(id)) throw new UsageError(`init: "${id}" is not a service name (a-z, 0-9, - or _).`, 'init');
    const url = (await ask(`Health URL of ${id} (e.g. https://api.example.com/health): `)).trim();
    checkUrl(url, id);
    const provider = checkProvider(
      flagProvider ??
        ((await ask(`Provider (${PROVIDERS.join(', ')}; empty for none): `)).trim() || undefined),
    );
    const serviceId = provider
      ? (await ask(`${provider} service ID of ${id}: `)).trim() || undefined
      : undefined;
    services.push({ id, url, provider, serviceId });
  }
  return services;
}
