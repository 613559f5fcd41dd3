import { COMMAND_OPTIONS, type OptionName } from '../args.js';

/** One line per option, as every `--help` shows it. */
const OPTION_HELP: Record<OptionName, string> = {
  config:
    '-c, --config <file>   config file (default .github/uptime.yml; without it, BACKEND_URL / COQUI_API_URL)',
  mode: '    --mode <mode>     normal | extreme (overrides the config and /mode)',
  state: '    --state <file>    local state file (default .uptime/state.json; incidents go beside it)',
  json: '    --json            print the report as JSON on stdout (logs stay on stderr)',
  'dry-run': '    --dry-run         plan and report, change nothing (no restart, no state written)',
  verbose: '-v, --verbose         more log lines (healthy checks, debug)',
  duration: '-d, --duration <d>    stop after this long, e.g. 30s, 2m, 1h (default: until Ctrl-C)',
  listen:
    '    --listen <[host:]port> serve heartbeat pings (/ping/<token>) and platform events (/events/<UPTIME_EVENTS_KEY>)',
  site: '    --site <dir>      keep the status site (index.html, status.json, badges/) in this folder, hourly',
  service: '    --service <n=url> a service to watch, e.g. api=https://api.example.com/health (repeatable)',
  provider: '    --provider <p>    railway | render | fly | heroku | webhook | command (default: none)',
  'service-id':
    "    --service-id <id> the platform's service ID (Railway, Render) or app name (Fly.io, Heroku); one per --service",
  'environment-id': "    --environment-id <id>  Railway's environment ID (optional)",
  restart: '    --restart <cmd>   command provider: the shell command that restarts it; one per --service',
  redeploy: '    --redeploy <cmd>  command provider: the shell command that redeploys it (optional)',
  'webhook-url': '    --webhook-url <u> webhook provider: the URL that recovers it; one per --service',
  reason: '    --reason <text>   why (recorded with the attempt and in the incident)',
  schedule: "    --schedule <cron> the workflow's schedule (default */30 * * * *: 1,440 minutes a month)",
  force:
    '    --force           init: overwrite files that already exist; restart: go past the restart budget',
  out: '    --out <dir>       the folder to write the site into (created if missing)',
  title: '    --title <text>    the status page title (default statusPage.title, else "Status")',
  'base-url': '    --base-url <url>  where the site is published (default statusPage.url)',
  test: '    --test            send a test message to every notify: target',
  help: '-h, --help            this text',
  version: '-V, --version         the version',
};

interface CommandHelp {
  usage: string;
  summary: string;
  /** More lines: what it does in detail, exit codes. */
  details: string[];
}

/** What each command does, for `uptime-action <command> --help` and the overview. */
export const COMMAND_HELP: Record<string, CommandHelp> = {
  check: {
    usage: 'check',
    summary: 'probe every service once and report; changes nothing',
    details: [
      'Sends one health request to every service and prints what it saw. No restart, no state written,',
      'no waiting. Exit 0 all up, 1 something down or failing, 2 bad config or command line.',
    ],
  },
  sweep: {
    usage: 'sweep',
    summary: 'what a scheduled run does: probe, confirm, recover, notify, save the state',
    details: [
      "A failed check is re-probed at once to confirm it; a service down by the mode's rules is recovered",
      'through its provider (restart, then redeploy, ...) and verified; transitions go to the notify:',
      'targets (each once) and the state file is updated, history included.',
      'Exit 0 nothing down at the end, 1 something still down, 2 bad config or command line.',
    ],
  },
  watch: {
    usage: 'watch [--duration 2m] [--site public] [--listen 8787]',
    summary: "keep checking at the mode's interval with recovery; a live table in a terminal",
    details: [
      'In a terminal the table (status, response time with a history bar, uptime, last repair) is redrawn',
      'in place; piped, one log line per event. Ctrl-C stops and saves the state.',
      'Books the hourly response-time history in the state and sends each transition to the notify: targets;',
      'with --site the status site in that folder is re-rendered every hour (written only when it changed).',
      'With --listen it also receives heartbeat pings (type: heartbeat) and platform events (Railway, Render,',
      'Heroku webhooks at /events/<UPTIME_EVENTS_KEY>), which check the affected service at once (docs/monitors.md).',
      "Exit 0 when it ran its duration or was stopped (whatever the services' health), 2 bad config.",
    ],
  },
  status: {
    usage: 'status',
    summary: 'the dashboard from the local state file (no probing)',
    details: ['Exit 0 (also when nothing was recorded yet, saying so), 2 bad config.'],
  },
  restart: {
    usage: 'restart <service> [--force --reason "..."]',
    summary: 'restart a service through its provider and verify it answers healthy',
    details: [
      "Needs only that service's settings. Under the restart budget; --force goes past it (a person's call,",
      'recorded with who and --reason in the state and the open incident).',
      'Exit 0 healthy afterwards, 1 refused or failed, 2 bad config or unknown service.',
    ],
  },
  redeploy: {
    usage: 'redeploy <service> [--force --reason "..."]',
    summary: 'redeploy a service through its provider and verify it answers healthy',
    details: [
      "Needs only that service's settings; --force goes past the restart budget (as for restart).",
      'Exit 0 healthy afterwards, 1 refused or failed, 2 bad config or unknown service.',
    ],
  },
  rollback: {
    usage: 'rollback <service>',
    summary: 'roll back to the last successful deployment before the current one and verify',
    details: [
      '--dry-run names the target deployment and changes nothing; --force goes past the restart budget.',
      'Exit 0 healthy afterwards, 1 refused or failed, 2 bad config or unknown service.',
    ],
  },
  doctor: {
    usage: 'doctor',
    summary: 'probe every URL and check tokens, service IDs and permissions (read-only)',
    details: ['Never restarts anything. Exit 0 when every check passes, 1 otherwise, 2 bad config.'],
  },
  'events-path': {
    usage: 'events-path <owner/repo>',
    summary: "the bot's platform-events path for a repository (needs the bot's WEBHOOK_SECRET)",
    details: [
      "Prints /events/<owner>/<repo>/<key>: append it to the bot's URL in Railway's, Render's or Heroku's",
      'webhook settings (docs/platform-events.md). Exit 0 printed, 2 no WEBHOOK_SECRET or not owner/repo.',
    ],
  },
  init: {
    usage: 'init [--service name=url ...] [--provider railway --service-id <id>] [--schedule "*/30 * * * *"]',
    summary: 'write .github/uptime.yml and .github/workflows/uptime.yml, and add .uptime/ to .gitignore',
    details: [
      'In a terminal without --service it asks; otherwise it takes the flags, or the BACKEND_URL /',
      'BACKEND_SERVICE_ID / COQUI_API_URL / COQUI_SERVICE_ID variables when set (docs/migrating.md).',
      'Each provider needs its own setting, one per --service: --service-id (railway, render: the service ID;',
      'fly, heroku: the app name), --restart "<command>" (command), --webhook-url <url> (webhook).',
      'Never overwrites an existing file without --force. Exit 0 written, 2 bad input or a file exists.',
    ],
  },
  site: {
    usage: 'site --out <dir>',
    summary: 'render the status page, status.json and badges from the local state file',
    details: [
      "The page needs no network (inline styles and charts). Reads only the services' names, statusPage",
      'and slo from the config: the secrets it refers to (${VAR}) need not be set.',
      'Exit 0 written, 1 no usable state file (missing, not JSON), 2 bad config or options.',
    ],
  },
  badges: {
    usage: 'badges --base-url <url>',
    summary: "print the README Markdown for each service's badges, served from the published site",
    details: ['Exit 0, 2 bad config or no --base-url / statusPage.url.'],
  },
  notify: {
    usage: 'notify --test',
    summary: 'send a test message to every notify: target',
    details: ['Exit 0 when every target accepted it, 1 when one failed, 2 bad config.'],
  },
  worker: {
    usage: 'worker [name]',
    summary: 'a scale-out worker: sweeps from the Redis queue at UPTIME_LOCATION (docs/scale-out.md)',
    details: [
      'Needs UPTIME_REDIS_URL; UPTIME_LOCATION names where it probes from (default "default"). With APP_ID it',
      'sweeps the repositories the bot schedules; without it, the local config under [name] (default local).',
      'Serves /health and /metrics on PORT (default 9464). Runs until Ctrl-C, SIGTERM or --duration.',
      'Exit 0 stopped, 2 bad config or setting.',
    ],
  },
  demo: {
    usage: 'demo',
    summary: 'start two local services, crash one, slow the other, show detection and recovery',
    details: ['Needs nothing but Node. Exit 0 when both services came back.'],
  },
};

/** `uptime-action <command> --help`. */
export function commandHelp(command: string): string {
  const help = COMMAND_HELP[command];
  if (!help) return HELP;
  const options = [...(COMMAND_OPTIONS[command] ?? []), 'help' as const].map((o) => `  ${OPTION_HELP[o]}`);
  return [
    `uptime-action ${help.usage}`,
    '',
    `${help.summary[0].toUpperCase()}${help.summary.slice(1)}.`,
    ...help.details,
    '',
    'Options:',
    ...options,
  ].join('\n');
}

const commandLines = Object.entries(COMMAND_HELP).map(
  ([, h]) => `  ${h.usage.split(' [')[0].padEnd(20)}  ${h.summary}`,
);

/** `uptime-action help`. */
export const HELP = `uptime-action — keeps web services up: health checks, predictive restarts, recovery through the hosting platform.

Usage: uptime-action <command> [options]
       uptime-action <command> --help    the command's own options

Commands:
${commandLines.join('\n')}

Most commands read -c/--config <file> (default .github/uptime.yml). -V/--version prints the version.

Exit codes: 0 healthy / done, 1 something down or an action failed, 2 bad config or command line.
Secrets (RAILWAY_TOKEN, RENDER_API_KEY, ...) are read from the environment and never printed.
Colours: only on a terminal; FORCE_COLOR=1 forces them, NO_COLOR=1 turns them off (and wins over FORCE_COLOR).`;
