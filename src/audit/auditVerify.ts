import type { Database } from 'better-sqlite3';
import type { Terms } from '../config/configSchema.js';
import { type ChainCheck, verifyReceiptChain } from '../db/receipts.js';
import { type InvariantFailure, verifyInvariants } from './verifyInvariants.js';

export type AuditVerifyResult = { ok: boolean; chain: ChainCheck; failures: InvariantFailure[] };

/** `audit verify`: the receipt hash chain, then the money invariants. `ok` only when both hold. */
export function auditVerify(db: Database, terms: Terms): AuditVerifyResult {
  const chain = verifyReceiptChain(db);
  const failures = verifyInvariants(db, terms);
  return { ok: chain.ok && failures.length === 0, chain, failures };
}

/** Human lines for the result, one per failure, each naming the record at fault. */
export function formatVerifyResult(r: AuditVerifyResult): string {
  const lines: string[] = [];
  lines.push(
    r.chain.ok
      ? `receipt chain intact: ${r.chain.count} receipt(s)`
      : `receipt chain BROKEN at receipt ${r.chain.brokenAt}: ${r.chain.reason}`,
  );
  if (r.failures.length === 0) lines.push('invariants hold: paid rows, payouts, amounts, schedules, stops');
  else {
    lines.push(`${r.failures.length} invariant failure(s):`);
    for (const f of r.failures) lines.push(`  [${f.check}] ${f.ref}: ${f.message}`);
  }
  return `${lines.join('\n')}\n`;
}
