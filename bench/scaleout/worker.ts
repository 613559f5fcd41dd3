/**
 * One bench worker process: `startScaleWorker` over local repositories (bench/scaleout.ts writes them), one JSON
 * line per sweep on stdout, `ready` first. Stops on SIGTERM; the bench kills it with SIGKILL for failover.
 *
 *   tsx bench/scaleout/worker.ts <redisUrl> <prefix> <location> <reposJson> <lockMs>
 */
import { readFileSync } from 'node:fs';
import { localRepoOpener } from '../../cli/worker-local.js';
import { startScaleWorker } from '../../src/scale/worker.js';
import { silentLogger } from '../../src/util/logger.js';

const [redisUrl, prefix, location, reposFile, lockMs] = process.argv.slice(2);
const repos = JSON.parse(readFileSync(reposFile, 'utf8'));
const worker = await startScaleWorker({
  redisUrl,
  prefix,
  location,
  open: localRepoOpener(repos, { env: {}, logger: silentLogger }),
  logger: silentLogger,
  lockDurationMs: Number(lockMs),
  stalledIntervalMs: Number(lockMs),
  heartbeatMs: 200,
  onSweep: (r) =>
    process.stdout.write(
      `${JSON.stringify({ repo: r.repo, workerId: r.workerId, startedAt: r.startedAt, endedAt: r.endedAt, skipped: r.skipped, checks: r.checks })}\n`,
    ),
});
process.stdout.write(`${JSON.stringify({ ready: worker.workerId, pid: process.pid })}\n`);
process.once('SIGTERM', () => void worker.close().then(() => process.exit(0)));
