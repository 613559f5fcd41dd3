import { describe, expect, it } from '@jest/globals';
import { chaosMarkdown, scoreChaos } from '../../../bench/chaos.js';
import { runChaos } from '../../../bench/chaos/run.js';

describe('chaos run, short', () => {
  it('survives the faults with no duplicate issue, no leaked secret and no false recovery', async () => {
    const raw = await runChaos(3_000, 0.07);
    try {
      const { score, perService } = scoreChaos(raw);
      expect(score.secretsFound).toBe(0);
      expect(score.duplicatesOpenAtEnd).toBe(0);
      expect(score.falseRecoveries).toBe(0);
      expect(score.invalidRailwayDocuments).toBe(0);
      expect(score.attemptsMade).toBeGreaterThan(0);
      expect(raw.services.every((s) => !s.alive)).toBe(true);
      expect(chaosMarkdown(raw, score, perService)).toContain('| crashy |');
    } finally {
      await Promise.all([raw.github.close(), raw.railway.close()]);
    }
  });
});
