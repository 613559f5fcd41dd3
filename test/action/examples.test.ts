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

  test('examples/uptime.yml is a valid config for the seed two services', () => {
    const env = {
      BACKEND_URL: 'https://api.example.com',
      BACKEND_SERVICE_ID: 'b1',
      COQUI_API_URL: 'https://coqui.example.com',
      COQUI_SERVICE_ID: 'c1',
    };
    const config = parseConfigText(
      readFileSync(join(root, 'examples/uptime.yml'), 'utf8'),
      'examples/uptime.yml',
      env,
    );
    expect(Object.keys(config.services)).toEqual(['backend', 'coqui']);
    expect(config.services.coqui).toMatchObject({
      name: 'Coqui Voice Service',
      url: 'https://coqui.example.com/health',
    });
  });

  test('the scheduled workflow: */30 (inside the free minutes), no cancelling, least privilege, and every variable the config refers to', () => {
    const workflow = yaml('examples/workflows/uptime.yml');
    expect(workflow.on.schedule[0].cron).toBe('*/30 * * * *');
    expect(workflow.concurrency).toEqual({ group: 'uptime', 'cancel-in-progress': false });
    expect(workflow.permissions).toEqual({ issues: 'write', contents: 'write', actions: 'read' });
    const step = workflow.jobs.sweep.steps.find((s: { uses?: string }) =>
      s.uses?.startsWith('superparty/uptime-action'),
    );
    const refs = [...readFileSync(join(root, 'examples/uptime.yml'), 'utf8').matchAll(/\$\{(\w+)\}/g)].map(
      (m) => m[1],
    );
    for (const name of refs) expect(Object.keys(step.env)).toContain(name);
    const chatops = yaml('examples/workflows/chatops.yml');
    expect(chatops.on).toEqual({ issue_comment: { types: ['created'] } });
  });
});
