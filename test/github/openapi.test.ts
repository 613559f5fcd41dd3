import { describe, expect, test } from '@jest/globals';
import { checkRequest } from '../helpers/openapi.js';

describe('the OpenAPI check catches requests GitHub would not accept', () => {
  test('known routes with known parameters pass', () => {
    expect(
      checkRequest('GET', '/repos/acme/site/issues?state=open&labels=incident,service:coqui&per_page=100'),
    ).toEqual([]);
    expect(
      checkRequest('PUT', '/repos/acme/site/contents/state.json', {
        message: 'm',
        content: 'e30=',
        sha: 'abc',
        branch: 'x',
      }),
    ).toEqual([]);
    expect(
      checkRequest('GET', '/api/v3/repos/acme/site/git/ref/heads%2Fuptime-state', undefined, '/api/v3'),
    ).toEqual([]);
  });

  test('an unknown route, query parameter, body key, missing field or enum value fails', () => {
    expect(checkRequest('GET', '/repos/acme/site/incidents')[0]).toMatch(/no such route/);
    expect(checkRequest('DELETE', '/repos/acme/site/issues/3')[0]).toMatch(/no such route/);
    expect(checkRequest('GET', '/repos/acme/site/issues?label=x')[0]).toMatch(
      /unknown query parameter "label"/,
    );
    expect(checkRequest('POST', '/repos/acme/site/issues', { body: 'no title' })[0]).toMatch(
      /required "title"/,
    );
    expect(checkRequest('POST', '/repos/acme/site/issues', { title: 't', tags: [] })[0]).toMatch(
      /unknown key "tags"/,
    );
    expect(
      checkRequest('PATCH', '/repos/acme/site/issues/3', { state: 'closed', state_reason: 'fixed' })[0],
    ).toMatch(/state_reason/);
  });
});
