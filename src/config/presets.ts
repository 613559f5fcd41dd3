/**
 * Modes and presets, from the seed monitor (docs/configuration.md): `normal` uses the conservative preset,
 * `extreme` the seed's extreme config (balanced). Any tuning key in the config overrides the preset.
 */
export const MODES = ['normal', 'extreme'] as const;
export type Mode = (typeof MODES)[number];

export const PRESETS = ['conservative', 'balanced', 'aggressive'] as const;
export type Preset = (typeof PRESETS)[number];

/** Everything that decides when a service is down and how it is recovered. Times in milliseconds. */
export interface Tuning {
  /** Time between two checks of a service. */
  healthCheckInterval: number;
  /** Failed checks in a row (the last one confirmed by an immediate re-probe) before a service is down. */
  maxConsecutiveFailures: number;
  /** A response slower than this counts as slow (a warning sign). */
  slowResponseThreshold: number;
  /** Slow or worsening checks in a row that make a service degraded (and trigger a predictive restart). */
  degradationThreshold: number;
  /** Recover several services at once. */
  parallelRecovery: boolean;
  /** Restart a degrading service before it falls over. */
  predictiveRestart: boolean;
  /** Minimum wait between two recovery attempts on one service; doubles with each attempt in the budget window. */
  restartAttemptDelay: number;
  /** Healthy checks in a row before a down or degraded service counts as up again. */
  successThreshold: number;
  /** How long a recovered service has to answer healthy before the attempt counts as failed. */
  recoveryTimeout: number;
  /** At most this many recovery attempts per service within `restartWindow`; then escalate to humans. */
  restartBudget: number;
  /** The window of the restart budget. */
  restartWindow: number;
  /** Longest wait between attempts, whatever the doubling says. */
  maxBackoff: number;
}

const SEED_EXTREME = {
  healthCheckInterval: 5_000,
  maxConsecutiveFailures: 1,
  slowResponseThreshold: 5_000,
  degradationThreshold: 3,
  parallelRecovery: true,
  predictiveRestart: true,
};

const COMMON = {
  restartAttemptDelay: 10_000,
  recoveryTimeout: 90_000,
  restartBudget: 3,
  restartWindow: 3_600_000,
  maxBackoff: 300_000,
};

export const PRESET_TUNING: Record<Preset, Tuning> = {
  conservative: {
    ...COMMON,
    healthCheckInterval: 10_000,
    maxConsecutiveFailures: 2,
    slowResponseThreshold: 10_000,
    degradationThreshold: 5,
    parallelRecovery: true,
    predictiveRestart: false,
    successThreshold: 2,
  },
  balanced: { ...COMMON, ...SEED_EXTREME, successThreshold: 1 },
  aggressive: {
    ...COMMON,
    healthCheckInterval: 3_000,
    maxConsecutiveFailures: 1,
    slowResponseThreshold: 3_000,
    degradationThreshold: 2,
    parallelRecovery: true,
    predictiveRestart: true,
    successThreshold: 1,
    restartAttemptDelay: 5_000,
  },
};

/** The preset each mode stands for. */
export const MODE_PRESET: Record<Mode, Preset> = { normal: 'conservative', extreme: 'balanced' };

/**
 * The tuning in force: the preset (the config's `preset` when the mode is the config's own, else the
 * mode's preset, so `/mode extreme` really switches), then every tuning key the config sets.
 */
export function resolveTuning(
  config: { mode: Mode; preset?: Preset; tuning: Partial<Tuning> },
  mode: Mode = config.mode,
): Tuning {
  const preset = mode === config.mode && config.preset ? config.preset : MODE_PRESET[mode];
  const overrides = Object.fromEntries(Object.entries(config.tuning).filter(([, v]) => v !== undefined));
  return { ...PRESET_TUNING[preset], ...overrides };
}
