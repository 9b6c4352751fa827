import { Command, CommanderError } from 'commander';
import { BaseError } from '../errors/BaseError.js';
import { VERSION } from '../version.js';
import { assertNoPasswordInArgvOrEnv } from '../wallet/assertNoPasswordInArgvOrEnv.js';
import { adminCommand } from './commands/admin.js';
import { auditCommand } from './commands/audit.js';
import { backupCommand } from './commands/backup.js';
import { demoCommand } from './commands/demo.js';
import { importCommand } from './commands/import.js';
import { keysCommand } from './commands/keys.js';
import { simCommand } from './commands/sim.js';
import { startCommand } from './commands/start.js';
import { statusCommand } from './commands/status.js';
import { addExamples } from './examples.js';
import { exitCodeFor, exitCodeForCommander } from './exitCodes.js';

/**
 * Every top-level command, in the order `--help` lists them. Each module only defines its command (options, help);
 * the action's module is imported when the command runs (lazyAction.ts), so building this tree stays cheap.
 */
const COMMANDS: ReadonlyArray<() => Command> = [
  startCommand,
  statusCommand,
  adminCommand,
  keysCommand,
  demoCommand,
  simCommand,
  importCommand,
  () => auditCommand(),
  backupCommand,
];

/** Builds the `stakebts` command tree. */
export function buildProgram(): Command {
  const program = new Command('stakebts')
    .description('BitShares staking desk daemon: stakes in, interest and principal out, exactly once')
    .option('-c, --config <file>', 'JSON config file (default: $STAKEBTS_CONFIG or ./stakebts.config.json)')
    .option('--db <file>', 'SQLite database file (overrides the config)')
    .version(VERSION, '-V, --version', 'print the stakebts version')
    .showHelpAfterError();
  for (const command of COMMANDS) program.addCommand(command());
  addExamples(program);
  return program;
}

/**
 * Runs the CLI. Expected failures (bad config, locked database, bad import file…) print one clear message and
 * exit with the documented code (src/cli/exitCodes.ts, README "Exit codes"); only a bug shows a stack trace.
 */
export async function runCli(argv: string[]): Promise<void> {
  const program = buildProgram();
  // Every command, not only the root: a subcommand's parse error must reach the exit-code mapping below (commander
  // copies exitOverride only to commands added after it is set).
  const override = (c: Command) => {
    c.exitOverride();
    for (const sub of c.commands) override(sub);
  };
  override(program);
  try {
    // Before commander sees the flags: an unknown `--password=…` must be refused as such, never echoed back.
    if (argv.slice(2).some((a) => a === 'start' || a === 'keys' || a === 'admin')) assertNoPasswordInArgvOrEnv(argv, process.env);
    await program.parseAsync(argv);
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = exitCodeForCommander(err.code, err.exitCode);
      return;
    }
    // A raw driver error can only come from a command that already loaded the database module: no cost to --help.
    const known = err instanceof BaseError ? err : (await import('../db/openDatabase.js')).asDatabaseError(err);
    if (known) {
      process.stderr.write(`stakebts: ${known.message}\n`);
      process.exitCode = exitCodeFor(known.code);
      return;
    }
    throw err;
  }
}
