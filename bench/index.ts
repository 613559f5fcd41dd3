/**
 * `npm run bench`: runs each section in its own Node process (clean memory figures, `--expose-gc`), prints the
 * Markdown tables and writes them to bench/results.md with the command and the machine.
 *
 *   npm run bench                       every section, full size
 *   npm run bench -- --quick            small sizes (seconds), for a smoke run
 *   npm run bench -- --only replay,scale
 */
import { spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SECTIONS, runSection, type SectionName } from './sections.js';
import { markdownTable, type SectionResult, type Target } from './lib/stats.js';

const here = dirname(fileURLToPath(import.meta.url));

function parseArgs(argv: string[]) {
  const quick = argv.includes('--quick');
  const onlyArg = argv.find((a) => a.startsWith('--only'));
  const onlyValue = onlyArg?.includes('=')
    ? onlyArg.split('=')[1]
    : onlyArg && argv[argv.indexOf(onlyArg) + 1];
  const only = onlyValue ? (onlyValue.split(',') as SectionName[]) : undefined;
  for (const name of only ?? []) {
    if (!(name in SECTIONS))
      throw new Error(`bench: unknown section "${name}"; use one of ${Object.keys(SECTIONS).join(', ')}.`);
  }
  const section = argv.includes('--section')
    ? (argv[argv.indexOf('--section') + 1] as SectionName)
    : undefined;
  return { quick, only, section, output: argv.includes('--no-write') ? undefined : join(here, 'results.md') };
}

/** Runs one section in a child Node process with the same loader and `--expose-gc`; resolves to its result. */
function runChild(name: SectionName, quick: boolean): Promise<SectionResult> {
  return new Promise((resolve, reject) => {
    const args = [
      ...process.execArgv,
      '--expose-gc',
      fileURLToPath(import.meta.url),
      '--section',
      name,
      ...(quick ? ['--quick'] : []),
    ];
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'], env: process.env });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => (out += chunk));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as SectionResult)
        : reject(new Error(`bench: section "${name}" exited with code ${code}; its errors are above.`)),
    );
  });
}

function machine(): string {
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  return `${cpus().length} cores (${cpu}), Node ${process.version}, ${process.platform} ${process.arch}`;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.section) {
    process.stdout.write(`${JSON.stringify(await runSection(args.section, args.quick))}\n`);
    return;
  }
  const names = args.only ?? (Object.keys(SECTIONS) as SectionName[]);
  const started = Date.now();
  const parts: string[] = [];
  const targets: Array<Target & { section: SectionName }> = [];
  for (const name of names) {
    process.stderr.write(`bench: ${name}…\n`);
    const t = performance.now();
    const result = await runChild(name, args.quick);
    process.stderr.write(`bench: ${name} done in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    process.stdout.write(`\n${result.markdown}\n`);
    parts.push(result.markdown);
    targets.push(...result.targets.map((target) => ({ ...target, section: name })));
  }
  const summary = targetsMarkdown(targets);
  process.stdout.write(`\n${summary}\n`);
  const command = `npm run bench${args.quick ? ' -- --quick' : ''}${args.only ? ` -- --only ${args.only.join(',')}` : ''}`;
  const header = [
    '# Benchmark results',
    '',
    `Reproduce with \`${command}\` (every section in virtual time or on 127.0.0.1 only; ` +
      `took ${((Date.now() - started) / 1000).toFixed(0)} s).`,
    `Machine: ${machine()}; run ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC.`,
    'Figures are from one run on a shared, noisy machine: medians and ratios, not promises.',
  ].join('\n');
  if (args.output) {
    await writeFile(args.output, `${header}\n\n${summary}\n\n${parts.join('\n\n')}\n`);
    process.stderr.write(`bench: wrote ${args.output}\n`);
  }
}

/** Every figure of the run next to its target, one table (✅ met, ❌ not, ℹ️ reported only). */
function targetsMarkdown(targets: Array<Target & { section: SectionName }>): string {
  const met = targets.filter((t) => t.ok === true).length;
  const judged = targets.filter((t) => t.ok !== undefined).length;
  return [
    `## Figures and targets of this run (${met} of ${judged} met)`,
    '',
    markdownTable(
      ['section', 'figure', 'measured', 'target', ''],
      targets.map((t) => [
        t.section,
        t.figure,
        t.value,
        t.target,
        t.ok === undefined ? 'ℹ️' : t.ok ? '✅' : '❌',
      ]),
    ),
  ].join('\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
