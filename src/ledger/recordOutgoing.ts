import type { Database } from 'better-sqlite3';
import { expiredInstructions } from '../db/adminActions.js';
import { adoptChainPayment } from '../db/adoptPayment.js';
import { appendAlarm } from '../db/alarms.js';
import { insertTransferOut, payoutOfBrokerTx } from '../db/chainTransfersOut.js';
import { openTreasuryMoveTo, type PayoutRow, payoutByUuid } from '../db/payouts.js';
import { appendReceipt } from '../db/receipts.js';
import type { OutgoingOp } from './preparedBlock.js';

export type RecordOutgoingContext = {
  db: Database;
  /** Account names by id (the block's counterparties), to match a payment recorded by name. */
  names: ReadonlyMap<string, string>;
};

/**
 * A transfer out of the broker, seen irreversible: the chain rail's evidence that a payment happened. In order:
 * 1. its tx id is an attempt of ours: the attempt's payment (reconciliation marks it paid);
 * 2. else its memo carries a payment reference of ours: that payment was made by an attempt this database lost (a
 *    restored backup): it is recorded paid now, never made again — or, when the payment is not re-derived yet, when
 *    its intent is written (insertPayoutIntent);
 * 3. else a treasury move to the exchange (its memo is the exchange's deposit memo, not ours) of the same amount, still
 *    open, or expired on replay after a restore (it ran once before);
 * 4. else nothing of ours explains it: an alarm (someone else used the broker's key, or a lost manual move).
 * @returns false when the transfer was recorded already (a replayed block)
 */
export function recordOutgoing(op: OutgoingOp, blockTime: number, ctx: RecordOutgoingContext): boolean {
  const { db } = ctx;
  let payoutId = op.txId ? payoutOfBrokerTx(db, op.txId) : null;
  let problem: string | null = null;
  let adopted = false;
  let explainedBy: string | null = null;
  if (payoutId === null && op.txId !== null) {
    const candidate = op.ref ? payoutByUuid(db, op.ref) : openTreasuryMoveTo(db, op.toId, op.amountSats);
    if (candidate) {
      problem = mismatch(candidate, op, ctx.names);
      if (problem === null) {
        adopted = adoptChainPayment(db, candidate, { txId: op.txId, block: op.blockNum, trx: op.trxInBlock, op: op.opInTrx, blockTime });
        payoutId = candidate.id;
      }
    } else if (!op.ref) {
      explainedBy = expiredInstructions(db, 'broker_to_bittrex').find((a) => a.amount_sats === op.amountSats)?.source_key ?? null;
      if (explainedBy === null) problem = 'no payment of stakebts explains it (no payment reference in its memo)';
    }
  }
  const recorded = insertTransferOut(db, {
    blockNum: op.blockNum,
    trxInBlock: op.trxInBlock,
    opInTrx: op.opInTrx,
    txId: op.txId,
    toId: op.toId,
    amountSats: op.amountSats,
    assetId: op.assetId,
    blockTime,
    payoutId,
    ref: op.ref,
  });
  if (!recorded) return false;
  const facts = {
    to: op.toId,
    amountSats: op.amountSats,
    asset: op.assetId,
    txId: op.txId,
    block: op.blockNum,
    trx: op.trxInBlock,
    op: op.opInTrx,
  };
  appendReceipt(db, 0, {
    event: 'broker_transfer_out',
    ...facts,
    payoutId,
    ref: op.ref,
    adopted,
    // A move executed before this database was restored, whose instruction is too old now to run again.
    ...(explainedBy ? { explainedBy, note: 'an instruction executed before this database was restored (expired on replay)' } : {}),
  });
  if (problem !== null) appendAlarm(db, 0, 'outgoing_unmatched', { ...facts, ref: op.ref, reason: problem });
  return true;
}

function mismatch(p: PayoutRow, op: OutgoingOp, names: ReadonlyMap<string, string>): string | null {
  if (BigInt(p.amount_sats) !== op.amountSats || op.assetId !== '1.3.0') {
    return `its memo names payment ${p.id}, which pays ${p.amount_sats} satoshis, not ${op.amountSats} of ${op.assetId}`;
  }
  const sameRecipient = p.recipient_id !== null ? p.recipient_id === op.toId : p.recipient === (names.get(op.toId) ?? p.recipient);
  return sameRecipient ? null : `its memo names payment ${p.id} to ${p.recipient}, not to ${op.toId}`;
}
