import { describe, expect, it, jest } from '@jest/globals';
import { chromiumDescribe } from '../helpers/chromium.js';

describe('the browser suite without Chromium', () => {
  const missing = { CHROMIUM_PATH: '/nonexistent/chromium' };

  it('fails under CI=true instead of skipping', () => {
    expect(() => chromiumDescribe({ ...missing, CI: 'true' })).toThrow(
      'The browser tests need Chromium and CI=true is set, but /nonexistent/chromium does not exist',
    );
  });

  it('skips with a warning on a developer machine', () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      expect(chromiumDescribe(missing)).toBe(describe.skip);
      expect(warn.mock.calls[0]?.[0]).toContain(
        'Skipping the browser test: no Chromium at /nonexistent/chromium',
      );
    } finally {
      warn.mockRestore();
    }
  });

  it('runs where Chromium is', () => {
    expect(chromiumDescribe({ CHROMIUM_PATH: process.execPath, CI: 'true' })).toBe(describe);
  });
});
