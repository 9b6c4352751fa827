import { Command } from 'commander';
import { lazyAction } from '../../lazyAction.js';
import type { AuditCommandDeps } from '../audit.js';

/** `stakebts audit verify`. */
export function verifyCommand(_deps: AuditCommandDeps, write: (text: string) => void): Command {
  return new Command('verify')
    .description('walk the receipt hash chain and check the money invariants; non-zero exit on any failure')
    .option('--json', 'one JSON document')
    .action(lazyAction(() => import('./verifyAction.js').then((m) => m.verifyAction(write))));
}
