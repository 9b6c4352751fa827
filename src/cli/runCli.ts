import { Command } from 'commander';

/** Builds the `stakebts` command tree and runs it. */
export async function runCli(argv: string[]): Promise<void> {
  const program = new Command('stakebts').description('BitShares staking desk daemon');
  await program.parseAsync(argv);
}
