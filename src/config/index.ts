export * from './errors.js';
export * from './presets.js';
export * from './schema.js';
export * from './load.js';
export * from './seed.js';
export * from './policy.js';
export * from './guards.js';
