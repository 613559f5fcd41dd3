import { describe, expect, it } from '@jest/globals';
import { parseConfig } from '../../src/config/load.js';
import { loadSiteConfig, SITE_PLACEHOLDER_URL, siteConfigInput } from '../../src/config/site-config.js';

describe('the config as the status page needs it', () => {
  it('keeps names, statusPage and slo; health URLs become the placeholder; recovery and notify are gone', async () => {
    const text = `mode: extreme
slo: 99.5
statusPage: { title: Acme, branch: true }
notify: [{ type: slack, url: "\${SLACK_WEBHOOK_URL}" }]
services:
  api: { name: Public API, url: "\${API_URL}", recovery: { provider: railway, serviceId: "\${ID}" } }
  web: { url: "\${WEB_URL}" }
`;
    const config = await loadSiteConfig({
      path: 'uptime.yml',
      explicit: true,
      env: {},
      readText: async () => text,
    });
    expect(config.statusPage).toEqual({ title: 'Acme', branch: true });
    expect(config.slo).toBe(99.5);
    expect(config.notify).toBeUndefined();
    expect(Object.values(config.services).map((s) => [s.id, s.name, s.url, s.recovery])).toEqual([
      ['api', 'Public API', SITE_PLACEHOLDER_URL, undefined],
      ['web', 'web', SITE_PLACEHOLDER_URL, undefined],
    ]);
  });

  it('passes what is not a mapping on unchanged, so validation words it as usual', () => {
    expect(siteConfigInput('text')).toBe('text');
    expect(siteConfigInput({ services: ['a'] })).toEqual({ services: ['a'] });
    expect(() => parseConfig(siteConfigInput({ services: { api: 'x' } }), 'f')).toThrow(/services\.api/);
  });
});

describe('statusPage.branch', () => {
  it('is off unless true, and anything but a boolean is named', () => {
    const services = { api: { url: 'https://api.example.com/' } };
    expect(parseConfig({ services }, 'f').statusPage?.branch).toBeUndefined();
    expect(parseConfig({ services, statusPage: { branch: true } }, 'f').statusPage?.branch).toBe(true);
    expect(() => parseConfig({ services, statusPage: { branch: 'yes' } }, 'f')).toThrow(
      /statusPage\.branch: .*true or false/,
    );
  });
});
