import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { healthUrl } from '../../src/config/seed.js';
import { UsageError } from '../args.js';
import type { CommandContext } from '../context.js';
import {
  DEFAULT_SCHEDULE,
  PROVIDER_SECRET,
  renderConfig,
  renderWorkflow,
  secretsOf,
  type InitRecovery,
  type InitService,
} from '../init/templates.js';

const PROVIDERS = Object.keys(PROVIDER_SECRET);
const ID = /^[a-z0-9][a-z0-9_-]*$/;
/** How the README runs the CLI; the next steps are printed in the same words. */
export const CLI_COMMAND = 'npx github:superparty/uptime-action';
/** The local state folder (`--state` default `.uptime/state.json`): machine-written, never committed. */
const STATE_IGNORE = '.uptime/';

/** What each provider needs besides the URL, as flag and question (docs/providers/*.md). */
const NEEDS: Record<string, { flag: string; question: (id: string) => string }> = {
  railway: { flag: '--service-id', question: (id) => `Railway service ID of ${id} (service → Settings): ` },
  render: { flag: '--service-id', question: (id) => `Render service ID of ${id} (srv-…, in its URL): ` },
  fly: { flag: '--service-id', question: (id) => `Fly.io app name of ${id}: ` },
  heroku: { flag: '--service-id', question: (id) => `Heroku app name of ${id}: ` },
  webhook: { flag: '--webhook-url', question: (id) => `Webhook URL that recovers ${id}: ` },
  command: {
    flag: '--restart',
    question: (id) => `Shell command that restarts ${id} (e.g. systemctl restart ${id}): `,
  },
};

/**
 * `uptime-action init`: writes `.github/uptime.yml` and `.github/workflows/uptime.yml` in the current folder
 * and adds `.uptime/` to `.gitignore`. Services come from `--service name=url` flags (with the provider's
 * own setting: `--service-id`, `--restart`, `--webhook-url`), else from the BACKEND_URL / COQUI_API_URL
 * variables (docs/migrating.md), else from questions in a terminal. Never overwrites without `--force`.
 * Exit 0 written, 2 bad input or an existing file.
 */
export async function initCommand(ctx: CommandContext): Promise<number> {
  const { args, io } = ctx;
  const cwd = io.cwd ?? process.cwd();
  const provider = checkProvider(args.provider);
  const schedule = checkSchedule(args.schedule ?? DEFAULT_SCHEDULE);
  let services = servicesFromFlags(ctx, provider);
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
  if (await ignoreState(join(cwd, '.gitignore'))) io.out(`✅ added ${STATE_IGNORE} to .gitignore`);
  const steps = [
    `${CLI_COMMAND} check          # asks every health URL once, changes nothing`,
    ...secretsOf(services).map(
      (s) =>
        `add the repository secret ${s} (Settings → Secrets and variables → Actions); with it set locally, ${CLI_COMMAND} doctor checks it`,
    ),
    'commit and push .github/ and .gitignore; then Actions → uptime → Run workflow (or wait for the schedule)',
  ];
  io.out(['', 'Next:', ...steps.map((s, i) => `  ${i + 1}. ${s}`)].join('\n'));
  return 0;
}

/** Adds `.uptime/` to the `.gitignore` unless a line already ignores it. Returns whether it wrote. */
async function ignoreState(path: string): Promise<boolean> {
  const text = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  const lines = (text ?? '').split(/\r?\n/).map((l) => l.trim());
  if (lines.some((l) => ['.uptime', '.uptime/', '/.uptime', '/.uptime/'].includes(l))) return false;
  const separator = text && !text.endsWith('\n') ? '\n' : '';
  await appendFile(path, `${separator}# uptime-action's local state (CLI sweep/watch)\n${STATE_IGNORE}\n`);
  return true;
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

/**
 * The services of `--service` flags, each with its provider setting: the n-th `--service-id` (or `--restart`,
 * `--webhook-url`) goes with the n-th `--service`. @throws UsageError naming the missing or extra flag
 */
function servicesFromFlags(ctx: CommandContext, provider: string | undefined): InitService[] {
  const { args } = ctx;
  const flags = args.services;
  const perService: Array<[string, string[]]> = [
    ['--service-id', args.serviceIds],
    ['--restart', args.restartCommands],
    ['--redeploy', args.redeployCommands],
    ['--webhook-url', args.webhookUrls],
  ];
  const given = perService.filter(([, values]) => values.length > 0);
  const usable = provider ? providerFlags(provider) : [];
  for (const [flag] of given) {
    if (!usable.includes(flag)) {
      throw new UsageError(
        `init: ${flag} does not apply to ${provider ? `--provider ${provider}` : 'a service without --provider'}${usable.length ? `; it takes ${usable.join(', ')}` : ''}.`,
        'init',
      );
    }
  }
  if (flags.length === 0) {
    if (given.length) {
      throw new UsageError(`init: ${given[0][0]} needs a --service name=url to go with it.`, 'init');
    }
    return [];
  }
  for (const [flag, values] of given) {
    if (values.length !== flags.length) {
      throw new UsageError(
        `init: ${values.length} ${flag} for ${flags.length} --service; give one ${flag} per --service, in the same order.`,
        'init',
      );
    }
  }
  return flags.map((flag, i) => {
    const { id, url } = parseServiceFlag(flag);
    if (!provider) return { id, url };
    return { id, url, recovery: recoveryFromFlags(provider, id, i, args) };
  });
}

/** The per-service flags a provider takes. */
function providerFlags(provider: string): string[] {
  if (provider === 'command') return ['--restart', '--redeploy'];
  if (provider === 'webhook') return ['--webhook-url'];
  return ['--service-id'];
}

function recoveryFromFlags(
  provider: string,
  id: string,
  i: number,
  args: CommandContext['args'],
): InitRecovery {
  const need = NEEDS[provider];
  const value = (
    provider === 'command'
      ? args.restartCommands
      : provider === 'webhook'
        ? args.webhookUrls
        : args.serviceIds
  )[i]?.trim();
  if (!value) {
    throw new UsageError(
      `init: --provider ${provider} needs ${need.flag} for ${id}: ${flagHelp(provider)}`,
      'init',
    );
  }
  if (args.environmentId !== undefined && provider !== 'railway') {
    throw new UsageError(`init: --environment-id is for --provider railway only.`, 'init');
  }
  return makeRecovery(provider, value, {
    environmentId: args.environmentId?.trim() || undefined,
    redeploy: args.redeployCommands[i]?.trim() || undefined,
    what: `${need.flag} of ${id}`,
  });
}

function flagHelp(provider: string): string {
  switch (provider) {
    case 'railway':
      return 'the Railway service ID (service → Settings), e.g. --service-id 1f2e3d4c-….';
    case 'render':
      return "the Render service ID (srv-…, in the service's URL), e.g. --service-id srv-abc123.";
    case 'fly':
    case 'heroku':
      return 'the app name, e.g. --service-id my-app.';
    case 'webhook':
      return 'the URL that recovers the service, e.g. --webhook-url https://hooks.example.com/restart-api.';
    default:
      return 'the shell command that restarts the service, e.g. --restart "systemctl restart api".';
  }
}

function makeRecovery(
  provider: string,
  value: string,
  extra: { environmentId?: string; redeploy?: string; what: string },
): InitRecovery {
  switch (provider) {
    case 'railway':
      return {
        provider,
        serviceId: value,
        ...(extra.environmentId ? { environmentId: extra.environmentId } : {}),
      };
    case 'render':
      return { provider, serviceId: value };
    case 'fly':
    case 'heroku':
      return { provider, app: value };
    case 'webhook':
      checkUrl(value, extra.what);
      return { provider, url: value };
    default:
      return { provider: 'command', restart: value, ...(extra.redeploy ? { redeploy: extra.redeploy } : {}) };
  }
}

/** `api=https://api.example.com/health` → a service. @throws UsageError naming the flag */
export function parseServiceFlag(flag: string): { id: string; url: string } {
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
  return { id, url };
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

/**
 * BACKEND_URL + BACKEND_SERVICE_ID, COQUI_API_URL + COQUI_SERVICE_ID (+ RAILWAY_ENVIRONMENT_ID): the variables
 * a config-less setup reads (docs/migrating.md), written out as literal values.
 */
export function fromOldVariables(env: NodeJS.ProcessEnv): InitService[] {
  const pairs = [
    { id: 'backend', url: env.BACKEND_URL, serviceId: env.BACKEND_SERVICE_ID },
    { id: 'coqui', url: env.COQUI_API_URL, serviceId: env.COQUI_SERVICE_ID },
  ];
  const environmentId = env.RAILWAY_ENVIRONMENT_ID || undefined;
  return pairs
    .filter((p) => p.url)
    .map((p) => {
      // As the config-less setup reads them: `/health` added to a URL without a path.
      const url = healthUrl(p.url!);
      checkUrl(url, p.id === 'backend' ? 'BACKEND_URL' : 'COQUI_API_URL');
      if (!p.serviceId) return { id: p.id, url };
      return {
        id: p.id,
        url,
        recovery: {
          provider: 'railway' as const,
          serviceId: p.serviceId,
          ...(environmentId ? { environmentId } : {}),
        },
      };
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
    if (!provider) {
      services.push({ id, url });
      continue;
    }
    const value = (await ask(NEEDS[provider].question(id))).trim();
    if (!value) {
      throw new UsageError(`init: ${provider} needs ${flagHelp(provider)}`, 'init');
    }
    const environmentId =
      provider === 'railway'
        ? (await ask(`Railway environment ID of ${id} (empty: the token's environment): `)).trim()
        : undefined;
    const redeploy =
      provider === 'command'
        ? (await ask(`Shell command that redeploys ${id} (empty for none): `)).trim()
        : undefined;
    services.push({
      id,
      url,
      recovery: makeRecovery(provider, value, {
        environmentId: environmentId || undefined,
        redeploy: redeploy || undefined,
        what: id,
      }),
    });
  }
  return services;
}
