export * from './types.js';
export * from './probe.js';
export * from './sweep.js';
