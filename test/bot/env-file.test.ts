import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { checkBotEnv, unquoteEnvFile } from '../../bot/env.js';

/** `docker run --env-file .env` keeps the quotes Probot's setup writes around PRIVATE_KEY (docs/docker.md). */
describe('unquoteEnvFile', () => {
  const { privateKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const asDockerPassesIt = {
    APP_ID: '123',
    PRIVATE_KEY: `"${privateKey.replace(/\n/g, '\\n')}"`,
    WEBHOOK_SECRET: 'secret',
  };

  it('a key as Probot wrote it to .env and docker run passed it (quotes and \\n kept) is accepted once unquoted', () => {
    expect(() => checkBotEnv(asDockerPassesIt)).toThrow('PRIVATE_KEY');
    expect(() => checkBotEnv(unquoteEnvFile(asDockerPassesIt))).not.toThrow();
  });

  it('removes one pair of matching quotes from the Probot settings only, never from the webhook secret', () => {
    const env = unquoteEnvFile({
      APP_ID: "'7'",
      PORT: '"3000"',
      HOST: '"x',
      WEBHOOK_SECRET: '"s"',
      OTHER: '"o"',
    });
    expect(env).toEqual({ APP_ID: '7', PORT: '3000', HOST: '"x', WEBHOOK_SECRET: '"s"', OTHER: '"o"' });
  });
});
