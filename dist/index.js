// action.yml's entry: stack traces in the job's log point at the TypeScript sources (action.js.map).
process.setSourceMapsEnabled(true);
await import('./action.js');
