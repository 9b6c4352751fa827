import type { Command } from 'commander';
import { auditVerify, formatVerifyResult } from '../../../audit/auditVerify.js';
import { configFor } from '../shared.js';
import { withDb } from './auditArgs.js';

/** `audit verify` (loaded only when it runs; see ../../lazyAction.ts). */
export function verifyAction(write: (text: string) => void) {
  return (opts: { json?: boolean }, cmd: Command) => {
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
  };
}
