export * from './events.js';
export * from './once.js';
export * from './payloads.js';
export * from './send.js';
export { neutralise } from './text.js';
