import { describe, expect, it } from '@jest/globals';
import { accessLevel, allowedCommands, hasLevel, refusal } from '../../src/commands/permissions.js';
import { DEFAULT_PERMISSIONS } from '../../src/config/schema.js';

const config = { permissions: DEFAULT_PERMISSIONS };

describe('accessLevel', () => {
  it('takes a standard role_name', () => {
    expect(accessLevel({ permission: 'write', role_name: 'maintain' })).toBe('maintain');
    expect(accessLevel({ permission: 'read', role_name: 'triage' })).toBe('triage');
    expect(accessLevel({ permission: 'admin', role_name: 'admin' })).toBe('admin');
  });

  it('falls back to user.permissions for a custom role', () => {
    const answer = {
      permission: 'read',
      role_name: 'deployer',
      user: { permissions: { admin: false, maintain: false, push: true, triage: true, pull: true } },
    };
    expect(accessLevel(answer)).toBe('write');
  });

  it('uses the legacy permission when nothing else is there, and none for no access', () => {
    expect(accessLevel({ permission: 'write' })).toBe('write');
    expect(accessLevel({ permission: 'none' })).toBe('none');
    expect(accessLevel({})).toBe('none');
  });
});

describe('levels', () => {
  it('orders read < triage < write < maintain < admin, so maintain counts as write', () => {
    expect(hasLevel('maintain', 'write')).toBe(true);
    expect(hasLevel('write', 'maintain')).toBe(false);
    expect(hasLevel('triage', 'write')).toBe(false);
    expect(hasLevel('none', 'read')).toBe(false);
    expect(hasLevel('admin', 'admin')).toBe(true);
  });

  it('lists what each level may run under the defaults', () => {
    expect(allowedCommands(config, 'read')).toEqual(['status', 'help']);
    expect(allowedCommands(config, 'maintain')).toEqual([
      'status',
      'restart',
      'redeploy',
      'rollback',
      'pause',
      'resume',
      'ack',
      'help',
    ]);
    expect(allowedCommands(config, 'admin')).toContain('mode');
    expect(allowedCommands({ permissions: { ...DEFAULT_PERMISSIONS, restart: 'read' } }, 'read')).toContain(
      'restart',
    );
  });

  it('says who, what, which level and how to get it', () => {
    const text = refusal('octocat', 'read', 'restart', 'write');
    expect(text).toContain('@octocat');
    expect(text).toContain('`/restart` needs write access');
    expect(text).toContain('you have read access');
    expect(text).toContain('permissions.restart');
  });
});
