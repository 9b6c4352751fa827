import { runCli } from './runCli.js';

await runCli(process.argv);
