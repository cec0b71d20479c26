#!/usr/bin/env node
/** The `qwen-probe` command line: one module per command, each exporting a yargs CommandModule. */
import './serve-heap.js'; // first: it must run before the other modules are evaluated
import { hideBin } from 'yargs/helpers';
import { runCli } from './cli.js';

await runCli(hideBin(process.argv));
