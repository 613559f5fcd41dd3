import { afterAll } from '@jest/globals';
import nock from 'nock';

// No test may reach the internet: only loopback is allowed through.
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

afterAll(() => {
  nock.cleanAll();
  nock.restore();
});
