import { describe, expect, it } from '@jest/globals';
import { heartbeatDetection, manyHeartbeats } from '../../bench/monitors.js';

describe('bench monitors section, tiny versions', () => {
  it('a stopped heartbeat job is down within one interval of its deadline', async () => {
    const { lateness, interval } = await heartbeatDetection(10);
    expect(lateness).toHaveLength(10);
    for (const ms of lateness) {
      expect(ms).toBeGreaterThanOrEqual(0);
      expect(ms).toBeLessThanOrEqual(interval);
    }
  });

  it('many heartbeat monitors: every one pinged is healthy (memory is measured by the bench, with --expose-gc)', async () => {
    const result = await manyHeartbeats(300);
    expect(result.healthy).toBe(300);
    expect(result.count).toBe(300);
  });
});
