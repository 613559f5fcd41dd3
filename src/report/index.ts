export * from './uptime.js';
export * from './rows.js';
export * from './format.js';
export * from './text.js';
export * from './markdown.js';
export * from './summary.js';
