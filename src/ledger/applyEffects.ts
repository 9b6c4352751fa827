import type { Database } from 'better-sqlite3';
import { insertAdminAction } from '../db/adminActions.js';
import { insertContract, settleStakeRow } from '../db/contracts.js';
import { insertLoan } from '../db/loans.js';
import { insertPayoutIntent } from '../db/payouts.js';
import { claimProcessedOp } from '../db/processedOps.js';
import { appendReceipt } from '../db/receipts.js';
import { contractReceiptRow } from '../db/stakes.js';
import type { Effect, PaymentMemo, Ref } from '../domain/effects.js';
import { contractReceiptMemo } from '../domain/paymentMemos.js';

/** What applying a plan wrote: the ids a `Ref` named. */
export type Applied = {
  /** false when the plan ended at its claim: the operation was handled already (a replayed block). */
  claimed: boolean;
  contractId: number | null;
  contractReceiptStakeId: number | null;
  payoutId: number | null;
};

/**
 * The one writer of planned effects (src/domain/effects.ts): applies them in order, in the caller's transaction, with
 * the src/db/ modules. A claim already taken, or a contract that exists already, ends the plan: nothing is written
 * twice. Times the database stamps (`created_at`, a receipt's `now`) are the wall clock's, as everywhere.
 */
export function applyEffects(db: Database, effects: readonly Effect[]): Applied {
  const applied: Applied = { claimed: true, contractId: null, contractReceiptStakeId: null, payoutId: null };
  const resolve = <T>(v: T | Ref): T | number => {
    if (!isRef(v)) return v;
    const id = applied[v.ref];
    if (id === null) throw new Error(`effect refers to ${v.ref} before it is written`);
    return id;
  };
  for (const e of effects) {
    switch (e.kind) {
      case 'claim_op':
        if (!claimProcessedOp(db, { ...e.op, outcome: e.outcome, blockTime: e.blockTime })) return { ...applied, claimed: false };
        break;
      case 'receipt':
        appendReceipt(db, resolve(e.nonce), Object.fromEntries(Object.entries(e.msg).map(([k, v]) => [k, resolve(v)])) as typeof e.msg);
        break;
      case 'open_contract': {
        const contractId = insertContract(db, e.contract, e.rows);
        if (contractId === null) return applied;
        applied.contractId = contractId;
        applied.contractReceiptStakeId = contractReceiptRow(db, contractId).id;
        break;
      }
      case 'settle_rows':
        for (const id of e.ids) settleStakeRow(db, id, e.status, e.processed);
        break;
      case 'queue_payment': {
        const p = e.payment;
        applied.payoutId = insertPayoutIntent(db, {
          sourceKey: p.sourceKey,
          purpose: p.purpose,
          contractId: resolve(p.contractId),
          stakeId: resolve(p.stakeId),
          recipient: p.recipient,
          recipientId: p.recipientId,
          amountSats: p.amountSats,
          memo: memoText(p.memo, applied),
          ...(p.exactMemo ? { exactMemo: true } : {}),
        }).id;
        break;
      }
      case 'record_loan':
        insertLoan(db, e.loan);
        break;
      case 'record_admin_action':
        insertAdminAction(db, { ...e.action, payoutId: resolve(e.action.payoutId) });
        break;
    }
  }
  return applied;
}

function memoText(memo: PaymentMemo, applied: Applied): string {
  if (typeof memo === 'string') return memo;
  if (applied.contractId === null) throw new Error('a contract receipt memo before its contract is written');
  return contractReceiptMemo({ contractId: applied.contractId, ...memo.contractReceipt });
}

const REFS: ReadonlySet<unknown> = new Set<Ref['ref']>(['contractId', 'contractReceiptStakeId', 'payoutId']);

function isRef(v: unknown): v is Ref {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.keys(v).length === 1 && REFS.has((v as Ref).ref);
}
