import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { readInputs, type Inputs } from '../../action/inputs.js';
import { parseConfigText } from '../../src/config/load.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const yaml = (path: string) => parse(readFileSync(join(root, path), 'utf8'));

describe('action.yml and the examples', () => {
  test('action.yml declares exactly the inputs the action reads, the contract outputs, node24 and the bundle', () => {
    const action = yaml('action.yml');
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/index.js' });
    const seen: string[] = [];
    readInputs({
      getInput: (name) => {
        seen.push(name);
        return String(action.inputs[name as keyof Inputs].default ?? '').replace(
          '${{ github.token }}',
          'ghs_x',
        );
      },
      getBooleanInput: (name) => action.inputs[name].default === 'true',
    });
    expect(Object.keys(action.inputs).sort()).toEqual(seen.sort());
    expect(Object.keys(action.outputs).sort()).toEqual([
      'down-services',
      'incident-issues',
      'recovered-services',
      'report',
      'status',
    ]);
    expect(action.branding).toBeDefined();
  });

  test('examples/uptime.yml is a valid config of two Railway services, with no variable to set', () => {
    const config = parseConfigText(
      readFileSync(join(root, 'examples/uptime.yml'), 'utf8'),
      'examples/uptime.yml',
      {},
    );
    expect(Object.keys(config.services)).toEqual(['api', 'worker']);
    expect(config.services.api).toMatchObject({ name: 'API', url: 'https://api.example.com/health' });
    expect(config.services.api.recovery?.provider).toBe('railway');
  });

  test('the scheduled workflow: */30 (inside the free minutes), no cancelling, least privilege, and every variable the config refers to', () => {
    const workflow = yaml('examples/workflows/uptime.yml');
    expect(workflow.on.schedule[0].cron).toBe('*/30 * * * *');
    expect(workflow.concurrency).toEqual({ group: 'uptime', 'cancel-in-progress': false });
    expect(workflow.permissions).toEqual({ issues: 'write', contents: 'write', actions: 'read' });
    const step = workflow.jobs.sweep.steps.find((s: { uses?: string }) =>
      s.uses?.startsWith('superparty/uptime-action'),
    );
    // The example config's provider is Railway: its token is passed, and nothing else is needed.
    expect(step.env).toEqual({ RAILWAY_TOKEN: '${{ secrets.RAILWAY_TOKEN }}' });
    for (const file of ['uptime-continuous.yml', 'chatops.yml'])
      expect(readFileSync(join(root, 'examples/workflows', file), 'utf8')).not.toMatch(
        /vars\.|BACKEND|COQUI_API/,
      );
    const chatops = yaml('examples/workflows/chatops.yml');
    expect(chatops.on).toEqual({ issue_comment: { types: ['created'] } });
  });
});
