/** `uptime-action help`. */
export const HELP = `uptime-action — keeps web services up: health checks, predictive restarts, recovery through the hosting platform.

Usage: uptime-action <command> [options]

Commands:
  check                 one sweep: probe every service, recover what is down; exit 0 all up, 1 any down, 2 bad config
  watch                 the live loop: banner, checks every interval with recovery, the status block every minute
  status                the dashboard from the local state file (no probing)
  restart <service>     restart a service through its provider and verify it answers healthy
  redeploy <service>    redeploy a service through its provider and verify it answers healthy
  doctor                read-only checks of tokens, service IDs and permissions; exit 0 when all pass
  demo                  starts two local services, crashes one and slows the other, shows detection and recovery
  site --out <dir>      the static status page, status.json and badges from the local state file
  badges --base-url <u> the README Markdown for each service's badges, served from the published site
  notify --test         sends a test message to every notify: target
  help                  this text

Options:
  -c, --config <file>   config file (default .github/uptime.yml; without it, the seed's BACKEND_URL / COQUI_API_URL)
      --mode <mode>     normal | extreme (overrides the config and /mode)
      --state <file>    local state file (default .uptime/state.json; incidents go beside it)
      --json            check: print the result as JSON
      --dry-run         check, restart, redeploy: plan and report, change nothing
  -d, --duration <d>    watch: stop after this long, e.g. 2m
  -v, --verbose         watch: also log healthy checks; debug logs
  -h, --help            this text
  -V, --version         the version

Exit codes: 0 healthy / done, 1 something down or an action failed, 2 bad config or command line.
Secrets (RAILWAY_TOKEN, RENDER_API_KEY, ...) are read from the environment and never printed.`;
