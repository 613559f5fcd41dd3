import { describe, expect, it } from '@jest/globals';
import { RequestError } from '@octokit/request-error';
import { fixFor, rateLimitOf } from '../../src/github/client.js';

/** The error Octokit throws for a GitHub answer (status, headers, body). */
const answer = (status: number, message: string, headers: Record<string, string> = {}) =>
  new RequestError(message, status, {
    request: { method: 'PUT', url: 'https://api.github.com/repos/o/r/contents/state.json', headers: {} },
    response: { status, url: '', headers, data: { message } },
  });

describe('a 403 that is a rate limit', () => {
  it('the secondary rate limit is explained as such, with the wait GitHub asks for, not as a permission', () => {
    const error = answer(403, 'You have exceeded a secondary rate limit. Please wait a few minutes.', {
      'retry-after': '60',
    });
    expect(rateLimitOf(error)).toEqual({ kind: 'secondary', retryAfterS: 60 });
    const fix = fixFor(403, 'contents: write', error);
    expect(fix).toContain("GitHub's secondary rate limit was hit");
    expect(fix).toContain('GitHub asks to wait 60 s');
    expect(fix).not.toContain('lacks permission');
  });

  it('the hourly limit used up is not a permission problem either', () => {
    const error = answer(403, 'API rate limit exceeded for installation.', { 'x-ratelimit-remaining': '0' });
    expect(fixFor(403, 'contents: write', error)).toContain('hourly rate limit is used up');
  });

  it('a real 403 still names the permission', () => {
    const error = answer(403, 'Resource not accessible by integration');
    expect(rateLimitOf(error)).toBeUndefined();
    expect(fixFor(403, 'contents: write', error)).toContain('lacks permission');
  });
});
