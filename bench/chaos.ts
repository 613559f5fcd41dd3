/**
 * `npm run chaos`: the chaos run (bench/chaos/run.ts), scored and printed as Markdown, written to bench/chaos.md.
 * Exits 1 when a must-be-zero figure (duplicate issues, lost state updates, secrets in output) is not zero.
 *
 *   npm run chaos                 60 s of faults
 *   npm run chaos -- --seconds 45
 */
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { attemptsMade, FAKE_SECRETS, PLAN, runChaos, type ChaosRaw } from './chaos/run.js';
import { markdownTable, verdict } from './lib/stats.js';

/** The figures of one chaos run. */
export interface ChaosScore {
  recoveries: number;
  falseRecoveries: number;
  duplicatesOpenAtEnd: number;
  maxOpenAtOnce: number;
  duplicatesClosedByDedup: number;
  lostStateUpdates: number;
  lost: string[];
  /** Of the lost updates: the bot's writes (/mode, /pause, /ack) that did not survive. */
  lostExternal: number;
  /** Of the lost updates: recovery attempts made but missing from the final state. */
  lostAttempts: number;
  attemptsMade: number;
  secretsFound: number;
  invalidRailwayDocuments: number;
}

/** Every text the run produced: logs, events, issues and comments, the state file, requests, process output. */
function everyOutput(raw: ChaosRaw): string[] {
  return [
    ...raw.logs,
    ...raw.events.map((e) => JSON.stringify(e)),
    ...raw.github.issues.flatMap((i) => [i.title, i.body, ...i.comments.map((c) => c.body)]),
    JSON.stringify(raw.finalState ?? null),
    ...raw.github.requests.map((r) => JSON.stringify(r)),
    ...raw.railway.requests.map((r) => JSON.stringify(r)),
    ...raw.services.flatMap((s) => s.output),
  ];
}

/** Scores a run. */
export function scoreChaos(
  raw: ChaosRaw,
  printed: string[] = [],
): { score: ChaosScore; perService: string[][] } {
  const made = attemptsMade(raw.events);
  const state = (raw.finalState ?? {}) as {
    services?: Record<string, { attempts?: Array<{ at: number; action: string }> }>;
  };
  const lost: string[] = [];
  for (const m of made) {
    const kept = state.services?.[m.service]?.attempts ?? [];
    if (!kept.some((a) => a.at === m.attempt.at && a.action === m.attempt.action))
      lost.push(
        `${m.runner}'s ${m.attempt.action} of ${m.service} at ${((m.attempt.at - raw.startedAt) / 1000).toFixed(1)} s is not in the final state`,
      );
  }
  const lostAttempts = lost.length;
  for (const e of raw.external)
    if (!e.holds(state as Record<string, unknown>)) lost.push(`${e.what} did not survive`);
  const corpus = [...everyOutput(raw), ...printed].join('\n');
  const secretsFound = Object.values(FAKE_SECRETS).reduce((n, s) => n + corpus.split(s).length - 1, 0);
  const openAtEnd: Record<string, number> = {};
  for (const issue of raw.github.openIssues('incident'))
    for (const label of issue.labels.filter((l) => l.startsWith('service:')))
      openAtEnd[label] = (openAtEnd[label] ?? 0) + 1;
  const perService = PLAN.map((p) => {
    const mine = made.filter((m) => m.service === p.key);
    const issues = raw.github.issues.filter((i) => i.labels.includes(`service:${p.key}`));
    const escalations = raw.events.filter((e) => e.event.type === 'escalated' && e.event.service === p.key);
    return [
      p.key,
      p.note,
      raw.crashes[p.key] ?? 0,
      `${mine.filter((m) => m.runner === 'run A').length} / ${mine.filter((m) => m.runner === 'run B').length}`,
      mine.filter((m) => m.attempt.healthy).length,
      escalations.length ? `yes (${escalations.length}×)` : 'no',
      `${issues.length} (${issues.filter((i) => i.state_reason === 'duplicate').length} closed as duplicate)`,
    ].map(String);
  });
  const score: ChaosScore = {
    recoveries: made.filter((m) => m.attempt.healthy).length,
    falseRecoveries: made.filter((m) => m.service === 'steady' || m.service === 'flaky').length,
    duplicatesOpenAtEnd: Object.values(openAtEnd).reduce((n, c) => n + Math.max(0, c - 1), 0),
    maxOpenAtOnce: Math.max(0, ...Object.values(raw.maxOpenPerService)),
    duplicatesClosedByDedup: raw.github.issues.filter((i) => i.state_reason === 'duplicate').length,
    lostStateUpdates: lost.length,
    lost,
    lostExternal: lost.length - lostAttempts,
    lostAttempts,
    attemptsMade: made.length,
    secretsFound,
    invalidRailwayDocuments: raw.railway.invalidDocuments.length,
  };
  return { score, perService };
}

/** The run as Markdown. */
export function chaosMarkdown(raw: ChaosRaw, score: ChaosScore, perService: string[][]): string {
  const statuses = (list: Array<{ status: number }>, code: number) =>
    list.filter((r) => r.status === code).length;
  const stateWrites = raw.github.requests.filter((r) => r.method === 'PUT' && r.url.includes('/contents/'));
  const summary = markdownTable(
    ['figure', 'value'],
    [
      ['recoveries (attempts that ended healthy)', score.recoveries],
      [
        'false recoveries (on the flaky or the healthy service)',
        `${score.falseRecoveries} ${verdict(score.falseRecoveries === 0)}`,
      ],
      [
        'duplicate incident issues left open',
        `${score.duplicatesOpenAtEnd} ${verdict(score.duplicatesOpenAtEnd === 0)}`,
      ],
      ['most incident issues open at once for one service (sampled every 100 ms)', score.maxOpenAtOnce],
      ['duplicates opened by racing runs and closed by the de-duplication', score.duplicatesClosedByDedup],
      [
        'lost state updates',
        `${score.lostStateUpdates} ${verdict(score.lostStateUpdates === 0)}: ${score.lostExternal} of ${raw.external.length} bot writes (/mode, /pause, /ack), ${score.lostAttempts} of ${score.attemptsMade} recovery attempts`,
      ],
      ['secrets found in any output', `${score.secretsFound} ${verdict(score.secretsFound === 0)}`],
      [
        'Railway requests (502 / 429 injected)',
        `${raw.railway.requests.length} (${statuses(raw.railway.requests, 502)} / ${statuses(raw.railway.requests, 429)})`,
      ],
      [
        'Railway documents invalid against the schema',
        `${score.invalidRailwayDocuments} ${verdict(score.invalidRailwayDocuments === 0)}`,
      ],
      [
        'GitHub requests (403 secondary limit / 409 conflict)',
        `${raw.github.requests.length} (${statuses(raw.github.requests, 403)} / ${statuses(raw.github.requests, 409)})`,
      ],
      [
        'state writes landed / refused with 409',
        `${stateWrites.filter((r) => r.status < 300).length} / ${statuses(stateWrites, 409)}`,
      ],
    ],
  );
  return [
    `### 5. Chaos run (${Math.round(raw.durationMs / 1000)} s, two runs at once, real processes on 127.0.0.1)`,
    '',
    summary,
    '',
    markdownTable(
      [
        'service',
        'what happens',
        'crashes',
        'attempts (run A / run B)',
        'healthy after',
        'escalated',
        'incident issues',
      ],
      perService,
    ),
    '',
    ...(score.lost.length ? ['Lost updates:', ...score.lost.map((l) => `- ${l}`), ''] : []),
    ...(raw.failedRuns.length ? ['Runs that stopped:', ...raw.failedRuns.map((l) => `- ${l}`), ''] : []),
    ...(raw.services.some((s) => s.failures.length)
      ? [
          'Platform restarts that failed:',
          ...raw.services.flatMap((s) => s.failures.map((f) => `- ${s.name}: ${f}`)),
          '',
        ]
      : []),
    'Timeline of injected faults (besides a 409 on every other state write, all run long):',
    ...raw.faults.map((f) => `- ${f}`),
    '',
    'Two engines (`watch`, each with its own Octokit, GitHubStateStore, GitHubIncidentLog and Railway provider) ' +
      'watch five service processes at extreme with a 1 s interval, sharing the state branch and the issues of ' +
      'the GitHub stub; the Railway server validates every document against the schema and a restart there ' +
      'restarts the process. Retry-After is compressed (1 s waits 50 ms). The fake GitHub and Railway tokens ' +
      'are searched for in every log line, event, issue, comment, request, the state file, the service ' +
      'processes’ output and this report.',
  ].join('\n');
}

async function main() {
  const argv = process.argv.slice(2);
  const seconds = argv.includes('--seconds') ? Number(argv[argv.indexOf('--seconds') + 1]) : 60;
  if (!(seconds >= 40))
    throw new Error('chaos: --seconds must be at least 40 (the last fault fires at 36 s).');
  process.stderr.write(`chaos: running ${seconds} s of faults on 127.0.0.1…\n`);
  const started = Date.now();
  const raw = await runChaos(seconds * 1000);
  try {
    const first = scoreChaos(raw);
    const body = chaosMarkdown(raw, first.score, first.perService);
    // The report itself is output too: score again with it included.
    const { score } = scoreChaos(raw, [body]);
    const header = [
      '# Chaos run',
      '',
      `Reproduce with \`npm run chaos\` (took ${Math.round((Date.now() - started) / 1000)} s). Machine: ${cpus().length} cores, ` +
        `Node ${process.version}; run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    ].join('\n');
    process.stdout.write(`${body}\n`);
    await writeFile(join(dirname(fileURLToPath(import.meta.url)), 'chaos.md'), `${header}\n\n${body}\n`);
    const failed = score.duplicatesOpenAtEnd + score.lostStateUpdates + score.secretsFound;
    if (failed > 0) {
      process.stderr.write('chaos: a must-be-zero figure is not zero (see above).\n');
      process.exitCode = 1;
    }
  } finally {
    await Promise.all([raw.github.close(), raw.railway.close()]);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exitCode = 1;
  });
}
