import { Command } from 'commander';
import { auditVerify, formatVerifyResult } from '../../../audit/auditVerify.js';
import type { AuditCommandDeps } from '../audit.js';
import { configFor } from '../shared.js';
import { withDb } from './auditArgs.js';

/** `stakebts audit verify`. */
export function verifyCommand(_deps: AuditCommandDeps, write: (text: string) => void): Command {
  return new Command('verify')
    .description('walk the receipt hash chain and check the money invariants; non-zero exit on any failure')
    .option('--json', 'one JSON document')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const config = configFor(cmd);
      withDb(
        cmd,
        (db) => {
          const result = auditVerify(db, config.terms);
          write(opts.json ? `${JSON.stringify(result)}\n` : formatVerifyResult(result));
          if (!result.ok) process.exitCode = 1;
        },
        config,
      );
    });
}
