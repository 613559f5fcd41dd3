import { loadConfig, type LoadOptions } from './load.js';
import type { Config } from './schema.js';

/**
 * The status page reads only each service's id and name, `statusPage` and `slo` (src/site/model.ts). A job
 * that renders it (the Pages workflow) has none of the config's secrets — no RAILWAY_TOKEN, no
 * SLACK_WEBHOOK_URL — so the page is built from that part alone: `notify:`, `recovery:` and the health URLs,
 * where `${VAR}` usually points at a secret, are never read nor expanded. What is kept goes through the one
 * schema, so a bad name or title gets the usual error naming the key.
 */

/**
 * Stands in for each health URL (the schema requires one). The page never shows a URL (it may carry a
 * token), so this one is never seen either. `.invalid` is reserved (RFC 2606): it resolves nowhere.
 */
export const SITE_PLACEHOLDER_URL = 'https://status-page.invalid/';

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The raw config reduced to what the page needs: `services.<id>.name` (with a placeholder URL), `statusPage`,
 * `slo`. A value of the wrong shape is passed on as it is, so validation reports it in the usual words.
 */
export function siteConfigInput(raw: unknown): unknown {
  if (!isObject(raw)) return raw;
  const services = isObject(raw.services)
    ? Object.fromEntries(
        Object.entries(raw.services).map(([id, service]) => [
          id,
          isObject(service)
            ? { ...('name' in service ? { name: service.name } : {}), url: SITE_PLACEHOLDER_URL }
            : service,
        ]),
      )
    : raw.services;
  const kept: Record<string, unknown> = { services };
  for (const key of ['statusPage', 'slo'] as const) if (key in raw) kept[key] = raw[key];
  return kept;
}

/**
 * The config as the status page needs it: {@link loadConfig} (the file, else the seed's variables) reduced by
 * {@link siteConfigInput}. `${VAR}` outside names, `statusPage` and `slo` may be unset.
 * @throws ConfigError
 */
export function loadSiteConfig(options: Omit<LoadOptions, 'select'> = {}): Promise<Config> {
  return loadConfig({ ...options, select: siteConfigInput });
}
