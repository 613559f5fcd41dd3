// The Action's entry: GitHub runs dist/index.js, built from this file. Do not add logic here.
import { run } from './main.js';

await run();
