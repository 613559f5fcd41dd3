import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { parseConfigText } from '../../src/config/index.js';
import { burnPolicy } from '../../src/slo/burn.js';
import { deployAnalysisPolicy, DEFAULT_DEPLOY_ANALYSIS } from '../../src/recovery/deploy.js';
import { limitFor } from '../../src/providers/call-budget.js';

const doc = readFileSync('docs/recovery.md', 'utf8');
const yaml = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);

describe('docs/recovery.md', () => {
  it('its example config is valid and means what the doc says', () => {
    expect(yaml).toHaveLength(1);
    const config = parseConfigText(yaml[0], 'docs/recovery.md', {});
    expect(config.services.api).toMatchObject({ dependsOn: ['db'], rollbackOn: 'degraded-deploy' });
    expect(config.services.web.dependsOn).toEqual(['api']);
    // "defaults shown": the example repeats the defaults exactly.
    expect(deployAnalysisPolicy(config)).toEqual(DEFAULT_DEPLOY_ANALYSIS);
    expect(burnPolicy({ burnRate: undefined }, {})).toEqual(burnPolicy(config, config.services.api));
    expect(burnPolicy(config, config.services.web).fast.factor).toBe(10);
    expect(limitFor('railway', config.apiBudget)).toEqual({ perHour: 1000, reservePercent: 20 });
    expect(limitFor('render', config.apiBudget)).toEqual({ perHour: 600, reservePercent: 25 });
  });

  it('quotes the Railway plans and the SRE workbook factors the code uses', () => {
    expect(doc).toContain('Hobby plan (1,000 requests an hour)');
    expect(doc).toContain('`plan: free` (100) or `plan: pro` (10,000)');
    expect(doc).toContain('14.4× over 1 h');
    expect(doc).toContain('6× over 6 h');
    expect(limitFor('railway', { railway: { plan: 'free' } }).perHour).toBe(100);
    expect(limitFor('railway', { railway: { plan: 'pro' } }).perHour).toBe(10_000);
  });
});
