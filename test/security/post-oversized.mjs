// A webhook sender in its own process (so its reads and writes race the server's close as GitHub's would):
// posts `rounds` × 2 bodies of `bytes` (one with Content-Length, one chunked) to `url` and prints the
// status each one read, or the error it saw first, as one JSON line.
import { request } from 'node:http';

const [url, bytes, rounds] = [new URL(process.argv[2]), Number(process.argv[3]), Number(process.argv[4])];
const chunk = Buffer.alloc(1024 * 1024, 'a');

function post(headers) {
  return new Promise((resolve) => {
    const req = request({ host: url.hostname, port: url.port, method: 'POST', path: url.pathname, headers });
    let stopped = false;
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', (e) => resolve(`response ${e.code ?? e.message}`));
    });
    req.on('error', (e) => {
      stopped = true;
      resolve(e.code ?? e.message);
    });
    let sent = 0;
    const pump = () => {
      while (!stopped && sent < bytes) {
        sent += chunk.length;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!stopped) req.end();
    };
    pump();
  });
}

const declared = [];
const chunked = [];
for (let i = 0; i < rounds; i++) {
  declared.push(
    await post({ 'content-length': bytes, 'x-github-event': 'issue_comment', 'x-github-delivery': `d-${i}` }),
  );
  chunked.push(
    await post({
      'transfer-encoding': 'chunked',
      'x-github-event': 'issue_comment',
      'x-github-delivery': `c-${i}`,
      'x-hub-signature-256': 'sha256=00',
    }),
  );
}
process.stdout.write(`${JSON.stringify({ declared, chunked })}\n`);
