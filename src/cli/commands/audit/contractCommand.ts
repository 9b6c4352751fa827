import { Command } from 'commander';
import { lazyAction } from '../../lazyAction.js';
import type { AuditCommandDeps } from '../audit.js';

/** `stakebts audit contract`. */
export function contractCommand(_deps: AuditCommandDeps, write: (text: string) => void): Command {
  return new Command('contract')
    .description("one contract's full story: rows, payments with tx / withdrawal ids, receipts, in time order")
    .argument('<id>', 'contract id')
    .option('--json', 'one JSON document')
    .action(lazyAction(() => import('./contractAction.js').then((m) => m.contractAction(write))));
}
