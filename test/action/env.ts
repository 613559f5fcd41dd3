/**
 * Runs of the Action as GitHub starts them: INPUT_* variables, GITHUB_* context, an event payload file, and
 * output/summary files to read back. Works for the in-process `run()` and for a spawned `node dist/index.js`.
 */
import { jest } from '@jest/globals';
import { context } from '@actions/github';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { ActionContext } from '../../action/main.js';

export interface ActionRunSetup {
  githubUrl: string;
  inputs?: Record<string, string>;
  /** The config file's YAML, written to the workspace at `.github/uptime.yml`. */
  configYaml?: string;
  eventName?: string;
  payload?: unknown;
  extraEnv?: Record<string, string>;
}

export function actionEnv(setup: ActionRunSetup) {
  const dir = mkdtempSync(join(tmpdir(), 'uptime-action-'));
  const workspace = join(dir, 'workspace');
  mkdirSync(join(workspace, '.github'), { recursive: true });
  if (setup.configYaml) writeFileSync(join(workspace, '.github', 'uptime.yml'), setup.configYaml);
  const eventPath = join(dir, 'event.json');
  writeFileSync(eventPath, JSON.stringify(setup.payload ?? {}));
  const outputPath = join(dir, 'output.txt');
  // One summary file per process, emptied for each run.
  const summaryPath = join(tmpdir(), `uptime-action-summary-${process.pid}.md`);
  writeFileSync(outputPath, '');
  writeFileSync(summaryPath, '');
  const inputs: Record<string, string> = {
    config: '.github/uptime.yml',
    'github-token': 'ghs_actiontesttoken42',
    mode: '',
    watch: '0',
    'dry-run': 'false',
    'state-branch': 'uptime-state',
    ...setup.inputs,
  };
  const env: Record<string, string> = {
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/site',
    GITHUB_API_URL: setup.githubUrl,
    GITHUB_EVENT_NAME: setup.eventName ?? 'schedule',
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_RUN_ID: '9001',
    GITHUB_WORKFLOW_REF: 'acme/site/.github/workflows/uptime.yml@refs/heads/main',
    UPTIME_GITHUB_PACING_MS: '0',
    ...Object.fromEntries(Object.entries(inputs).map(([k, v]) => [`INPUT_${k.toUpperCase()}`, v])),
    ...setup.extraEnv,
  };
  return {
    env,
    workspace,
    /** The outputs the step set (GITHUB_OUTPUT's heredoc format). */
    outputs(): Record<string, string> {
      const text = readFileSync(outputPath, 'utf8');
      const out: Record<string, string> = {};
      const re = /^(.+?)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm;
      for (const m of text.matchAll(re)) out[m[1]] = m[3];
      return out;
    },
    summary: () => readFileSync(summaryPath, 'utf8'),
    cleanup: () => rmSync(dirname(eventPath), { recursive: true, force: true }),
  };
}

/** Sets `env` on process.env for an in-process run; returns the undo. */
export function applyEnv(env: Record<string, string>): () => void {
  const saved = new Map(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return () => {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}

/**
 * Runs `body` (an in-process run of the Action) with `env` set and stdout captured, as the job's log would
 * hold it; the environment and stdout are put back afterwards, whatever `body` does.
 */
export async function runLogged(env: Record<string, string>, body: () => Promise<void>): Promise<string> {
  const restore = applyEnv(env);
  const log: string[] = [];
  const write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    log.push(String(chunk));
    return true;
  });
  try {
    await body();
  } finally {
    write.mockRestore();
    restore();
  }
  return log.join('');
}

/**
 * @actions/github's `context` is read once, when the module loads; an in-process run after `applyEnv` needs
 * one read from the current environment: a new instance of the same class.
 */
export function freshContext(): ActionContext {
  const Context = context.constructor as new () => ActionContext;
  return new Context();
}
