import type { Command } from 'commander';

/**
 * One example per command and subcommand, shown at the end of its `--help` (git-style: the line an operator types
 * most often). Keyed by the command path after `stakebts`; a command missing here is a failing test
 * (test/cli/conventions.test.ts walks the whole tree), so a new command cannot ship without one.
 */
export const EXAMPLES: Readonly<Record<string, string>> = {
  '': 'stakebts --config /etc/stakebts/stakebts.config.json status',
  start: 'stakebts start --config /etc/stakebts/stakebts.config.json --password-file /run/credentials/stakebts.service/password',
  status: 'stakebts status --json',
  admin: 'stakebts admin loans --json',
  'admin bittrex-to-broker': 'stakebts admin bittrex-to-broker --account 1 --amount 20000',
  'admin broker-to-bittrex': 'stakebts admin broker-to-bittrex --account 2 --amount 5000',
  'admin loans': 'stakebts admin loans --json',
  keys: 'stakebts keys add --keystore /var/lib/stakebts/stakebts.keystore.json',
  'keys add': 'stakebts keys add --keystore /var/lib/stakebts/stakebts.keystore.json',
  'keys list': 'stakebts keys list --keystore /var/lib/stakebts/stakebts.keystore.json --json',
  'keys change-password': 'stakebts keys change-password --keystore /var/lib/stakebts/stakebts.keystore.json',
  'keys rotate-memo': 'stakebts keys rotate-memo --keystore /var/lib/stakebts/stakebts.keystore.json --wif-file /root/new-memo.wif',
  'keys rotate-active': 'stakebts keys rotate-active --keystore /var/lib/stakebts/stakebts.keystore.json',
  demo: 'stakebts demo',
  sim: 'stakebts sim up --dir sim-desk',
  'sim up': 'stakebts sim up --dir sim-desk --block-interval-ms 1000',
  'sim send': 'stakebts sim send --dir sim-desk --from alice --amount 25000 --memo six_months',
  'sim chain': 'stakebts sim chain --port 8090 --block-interval-ms 3000 --accounts stakebts-broker,alice --fund 100000',
  'sim bittrex': 'stakebts sim bittrex --port 8091 --accounts 2 --balance 500000',
  import: 'stakebts import --file stakes.txt --dry-run',
  audit: 'stakebts audit payouts --user alice --state paid --csv',
  'audit receipts': 'stakebts audit receipts --event payout_paid --since 2027-01-01 --json',
  'audit contracts': 'stakebts audit contracts --status open --csv',
  'audit payouts': 'stakebts audit payouts --user alice --state paid --csv',
  'audit contract': 'stakebts audit contract 42',
  'audit verify': 'stakebts audit verify --json',
  'audit reconcile': 'stakebts audit reconcile --skip-exchanges --from-block 80000000',
  'audit replay': 'stakebts audit replay --until 2027-06-30 --skip-exchanges',
  'audit report': 'stakebts audit report --months 12 --html report.html',
  backup: 'stakebts backup /var/backups/stakebts/2027-01-15.sqlite',
};

/** The path of a command after `stakebts` ('' for the root). */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

/** Adds "Example:" after the help of every command of the tree that has one in {@link EXAMPLES}. */
export function addExamples(root: Command): void {
  const visit = (cmd: Command) => {
    const example = EXAMPLES[commandPath(cmd)];
    if (example) cmd.addHelpText('after', `\nExample:\n  $ ${example}\n`);
    for (const sub of cmd.commands) visit(sub);
  };
  visit(root);
}
