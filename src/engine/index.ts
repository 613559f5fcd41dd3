export * from './types.js';
export * from './sweep.js';
export * from './watch.js';
export * from './manual.js';
export * from './timeline.js';
export * from './plan.js';
export * from './execute.js';
export * from './after-attempt.js';
