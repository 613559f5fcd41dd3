export * from './record.js';
export * from './uptime.js';
export * from './incidents.js';
export * from './state.js';
export * from './sweep.js';
