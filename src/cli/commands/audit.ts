import { Command } from 'commander';
import type { ReconcileDeps } from '../../audit/reconcileDeps.js';
import { contractCommand } from './audit/contractCommand.js';
import { contractsCommand } from './audit/contractsCommand.js';
import { payoutsCommand } from './audit/payoutsCommand.js';
import { receiptsCommand } from './audit/receiptsCommand.js';
import { reconcileCommand } from './audit/reconcileCommand.js';
import { replayCommand } from './audit/replayCommand.js';
import { reportCommand } from './audit/reportCommand.js';
import { verifyCommand } from './audit/verifyCommand.js';

/** What the audit commands reach outside the database; tests replace it (simulators, captured output). */
export type AuditCommandDeps = ReconcileDeps & {
  /** Where results go. @default process.stdout */
  write?: (text: string) => void;
};

/**
 * `stakebts audit …`: read-only queries for auditors; they open the database read-only and work while the daemon
 * runs (WAL). `verify` and `reconcile` exit non-zero when anything is wrong.
 * @example stakebts audit payouts --user alice --state paid --csv
 */
export function auditCommand(deps: AuditCommandDeps = {}): Command {
  const write = deps.write ?? ((t: string) => void process.stdout.write(t));
  const audit = new Command('audit').description('read-only queries for auditors');
  audit.addCommand(receiptsCommand(deps, write));
  audit.addCommand(contractsCommand(deps, write));
  audit.addCommand(payoutsCommand(deps, write));
  audit.addCommand(contractCommand(deps, write));
  audit.addCommand(verifyCommand(deps, write));
  audit.addCommand(reconcileCommand(deps, write));
  audit.addCommand(replayCommand(deps));
  audit.addCommand(reportCommand(deps, write));
  return audit;
}
