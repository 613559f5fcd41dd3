#!/usr/bin/env node
import { main } from './main.js';
import { exitQuietlyOnEpipe, processIO } from './io.js';
import { terminalExtras } from './terminal.js';

exitQuietlyOnEpipe();
const io = processIO();
process.exitCode = await main(process.argv.slice(2), { ...io, ...(await terminalExtras(io.isTTY === true)) });
