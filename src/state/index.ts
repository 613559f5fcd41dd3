export * from './types.js';
export * from './records.js';
export * from './validate.js';
export * from './file.js';
export * from './memory.js';
export * from './github.js';
