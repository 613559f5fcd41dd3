/**
 * A forward HTTP proxy on 127.0.0.1 for proxy tests, as a self-hosted runner's would be: CONNECT tunnels
 * (undici's ProxyAgent) and absolute-form requests (`GET http://host/path`). Host names that do not resolve
 * (`api.github.test`) are mapped to loopback ports, so a request can only arrive through the proxy.
 * Every request is counted by the host it asked for.
 */
import { createServer, request as httpRequest } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';

export async function startForwardProxy(routes: Record<string, string>) {
  /** `host[:port]` asked for → how many requests (CONNECT tunnels count once each). */
  const seen: Record<string, number> = {};
  const target = (host: string) => {
    const url = routes[host.replace(/:80$/, '')];
    return url ? new URL(url) : undefined;
  };
  const count = (host: string) =>
    (seen[host.replace(/:80$/, '')] = (seen[host.replace(/:80$/, '')] ?? 0) + 1);
  const server = createServer((req, res) => {
    const asked = new URL(req.url ?? '/', 'http://invalid');
    count(asked.host);
    const to = target(asked.host);
    if (!to) return void res.writeHead(502).end(`no route to ${asked.host}`);
    const upstream = httpRequest(
      {
        host: to.hostname,
        port: to.port,
        method: req.method,
        path: asked.pathname + asked.search,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  const tunnels = new Set<Duplex>();
  server.on('connect', (req, client, head) => {
    tunnels.add(client);
    const asked = req.url ?? '';
    count(asked);
    const to = target(asked);
    if (!to) return void client.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    const upstream = connect(Number(to.port), to.hostname, () => {
      tunnels.add(upstream);
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  // TCP connections clients opened to the proxy (a client that reuses its connections opens few).
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of tunnels) socket.destroy();
      }),
  };
}
