import { hardenProcess } from '../utils/hardenProcess.js';
import { runCli } from './runCli.js';

// Before anything can create a file or a signal can open the inspector (see hardenProcess).
hardenProcess({ onDebugSignal: () => process.stderr.write('stakebts: SIGUSR1 ignored (the Node inspector stays closed).\n') });
await runCli(process.argv);
