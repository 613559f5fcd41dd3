/**
 * Proxies for the Action's outbound HTTP, as self-hosted runners set them: `HTTPS_PROXY`, `HTTP_PROXY` and
 * `NO_PROXY` (lower-case names too). GitHub's API goes through @actions/github, whose http-client applies them;
 * probes and provider APIs go through the `fetch` made here, with undici's `EnvHttpProxyAgent`.
 */
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici';

const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'] as const;

/** Whether the environment names a proxy. */
export function proxyConfigured(env: NodeJS.ProcessEnv): boolean {
  return PROXY_VARIABLES.some((name) => Boolean(env[name]?.trim()));
}

/** The credentials written into proxy URLs (`http://user:pass@proxy:3128`), to be masked in the log. */
export function proxySecrets(env: NodeJS.ProcessEnv): string[] {
  const secrets: string[] = [];
  for (const name of PROXY_VARIABLES) {
    const value = env[name]?.trim();
    if (!value) continue;
    try {
      const url = new URL(value.includes('://') ? value : `http://${value}`);
      if (url.password) secrets.push(decodeURIComponent(url.password), url.password);
    } catch {
      // Not a URL: the http-client and undici refuse it with their own error; nothing to mask.
    }
  }
  return [...new Set(secrets.filter((s) => s.length >= 4))];
}

/**
 * The `fetch` for probes and provider APIs: the global one without a proxy variable; with one, undici's fetch
 * through an `EnvHttpProxyAgent` (which honours `NO_PROXY`). The dispatcher is returned so the caller can
 * close it; a guarded fetch (private-address checks) can wrap the result.
 */
export function actionFetch(env: NodeJS.ProcessEnv = process.env): {
  fetch: typeof fetch;
  dispatcher?: EnvHttpProxyAgent;
} {
  if (!proxyConfigured(env)) return { fetch: globalThis.fetch };
  const dispatcher = new EnvHttpProxyAgent({
    httpProxy: env.HTTP_PROXY ?? env.http_proxy,
    httpsProxy: env.HTTPS_PROXY ?? env.https_proxy,
    noProxy: env.NO_PROXY ?? env.no_proxy,
  });
  const proxied = (input: Parameters<typeof fetch>[0], init?: RequestInit) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], {
      ...(init as Parameters<typeof undiciFetch>[1]),
      dispatcher,
    });
  // The one cast: undici's fetch is the global fetch's implementation, typed by the package's own classes.
  return { fetch: proxied as unknown as typeof fetch, dispatcher };
}
