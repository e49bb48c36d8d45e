import { runCli } from './run.js';

// Setting exitCode (not calling exit) lets piped stdout drain before the process ends.
process.exitCode = await runCli(process.argv.slice(2));
