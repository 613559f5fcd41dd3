// The sweep-scale farm, run as a CHILD process so the parent's memory is the prober's alone:
// `servers` node:http servers on 127.0.0.1; `/e/<n>` answers `ok`, except every `hangEvery`-th endpoint
// (n % hangEvery === hangEvery - 1), which accepts and never answers. Prints the ports as one JSON line,
// then serves until stdin closes (the parent exiting or closing it).
//
//   node bench/lib/farm.mjs <servers> <hangEvery>
import { createServer } from 'node:http';

const servers = Number(process.argv[2] ?? 10);
const hangEvery = Number(process.argv[3] ?? 20);
const ports = [];
for (let i = 0; i < servers; i++) {
  const server = createServer((req, res) => {
    const n = Number((req.url ?? '').split('/')[2]);
    if (Number.isInteger(n) && n % hangEvery === hangEvery - 1) return; // hang
    res.writeHead(200, { 'content-type': 'text/plain' });
    res.end('ok');
  });
  server.keepAliveTimeout = 60_000;
  await new Promise((resolve) => server.listen({ port: 0, host: '127.0.0.1', backlog: 8192 }, resolve));
  ports.push(server.address().port);
}
process.stdout.write(`${JSON.stringify({ ports })}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.stdin.on('close', () => process.exit(0));
