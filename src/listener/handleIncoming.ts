import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { queueAdminMove } from '../admin/queueAdminMove.js';
import type { Config } from '../config/index.js';
import { insertContract, openContractsOf, settleStakeRow } from '../db/contracts.js';
import { insertPayoutIntent } from '../db/payouts.js';
import { appendReceipt } from '../db/receipts.js';
import { type Classification, classifyTransfer } from '../domain/classifyTransfer.js';
import { contractSchedule } from '../domain/contractSchedule.js';
import { btsToSats, SATS_PER_BTS } from '../domain/money.js';
import { stakeRowKey } from '../domain/paymentKeys.js';
import { contractReceiptMemo, refundMemo, stopMemo } from '../domain/paymentMemos.js';
import { settleStop } from '../domain/settleStop.js';
import type { IncomingOp, PreparedBlock } from './prepareBlock.js';

export type HandleContext = {
  db: Database;
  config: Config;
  brokerId: string;
  managerIds: ReadonlySet<string>;
  fundingIds: ReadonlySet<string>;
  /** Account names by id, for every sender in the block. */
  names: ReadonlyMap<string, string>;
  /** Last irreversible block time (ms): "now" for admin freshness. */
  now: number;
  /** BTS max supply in satoshis (asset 1.3.0 on chain): the cap of every amount from outside. */
  maxSupplySats: bigint;
  logger?: Logger;
};

/** Outcome of an operation whose handling threw: claimed, receipted, not applied. */
export const INTERNAL_OUTCOME = 'invalid:internal';

/** Claims an incoming operation's key; false when it was handled already (a replayed block). */
export function claimIncoming(db: Database, op: IncomingOp, blockTime: number, outcome: string): boolean {
  const claimed = db
    .prepare(
      `INSERT INTO processed_ops (block_num, trx_in_block, op_in_trx, tx_id, from_id, amount_sats, asset_id, outcome, block_time, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    )
    .run(op.blockNum, op.trxInBlock, op.opInTrx, op.txId, op.fromId, op.amountSats, op.assetId, outcome, blockTime, Date.now());
  return claimed.changes === 1;
}

/**
 * One incoming transfer to the broker → its documented outcome (RULES.md), inside the caller's block transaction.
 * Returns false when the operation was already handled (replay): nothing is written twice.
 */
export function handleIncoming(op: IncomingOp, block: PreparedBlock, ctx: HandleContext): boolean {
  const { db, config } = ctx;
  const user = ctx.names.get(op.fromId) ?? op.fromId;
  const sourceKey = `op:${op.blockNum}:${op.trxInBlock}:${op.opInTrx}`;
  const where = { block: op.blockNum, trx: op.trxInBlock, op: op.opInTrx };

  const openContracts = openContractsOf(db, user, block.blockTime);
  const decision = classifyTransfer(
    { amountSats: op.amountSats, assetId: op.assetId, blockTime: block.blockTime },
    {
      terms: config.terms,
      memo: op.memo,
      senderIsManager: ctx.managerIds.has(op.fromId),
      senderIsFundingAccount: ctx.fundingIds.has(op.fromId),
      senderOpenContracts: openContracts.length,
      now: ctx.now,
      maxSupplySats: ctx.maxSupplySats,
    },
  );

  // The op key is claimed first: a replayed block stops here.
  if (!claimIncoming(db, op, block.blockTime, outcomeName(decision))) return false;

  const facts = { user, userId: op.fromId, amountSats: op.amountSats, asset: op.assetId, ...where, txId: op.txId, memo: op.memoText };
  appendReceipt(db, 0, { event: 'transfer_in', ...facts, outcome: outcomeName(decision) });

  switch (decision.action) {
    case 'unsupported_asset':
      appendReceipt(db, 0, { event: 'unsupported_asset', ...facts, note: 'not refunded; listed for the manager' });
      return true;
    case 'funding':
      appendReceipt(db, 0, { event: 'funding', ...facts });
      return true;
    case 'new_contract': {
      const rows = contractSchedule({ amountBts: decision.amountBts, months: decision.months, start: block.blockTime }, config.terms);
      const contractId = insertContract(
        db,
        {
          sourceKey,
          user,
          userId: op.fromId,
          amountBts: decision.amountBts,
          months: decision.months,
          start: block.blockTime,
          block: op.blockNum,
          trxInBlock: op.trxInBlock,
          opInTrx: op.opInTrx,
          origin: 'chain',
        },
        rows,
      );
      if (contractId === null) return true;
      const receiptRow = db
        .prepare(`SELECT id, type FROM stakes WHERE contract_id = ? AND number = 0 AND type LIKE 'contract_%'`)
        .get(contractId) as { id: number; type: string };
      insertPayoutIntent(db, {
        sourceKey: stakeRowKey(sourceKey, receiptRow.type, 0),
        purpose: 'contract_receipt',
        contractId,
        stakeId: receiptRow.id,
        recipient: user,
        recipientId: op.fromId,
        amountSats: btsToSats(config.terms.receiptAmount),
        memo: contractReceiptMemo({
          contractId,
          months: decision.months,
          amountBts: decision.amountBts,
          start: block.blockTime,
          ...where,
          trx: op.trxInBlock,
          op: op.opInTrx,
        }),
      });
      appendReceipt(db, contractId, {
        event: 'contract_opened',
        ...facts,
        contractId,
        type: decision.type,
        months: decision.months,
        amountBts: decision.amountBts,
        start: block.blockTime,
        fractionKeptSats: decision.fractionSats,
        schedule: rows.map((r) => [r.type, r.number, r.amount, r.due]),
      });
      return true;
    }
    case 'stop': {
      const settlement = settleStop(openContracts, op.amountSats);
      const processed = block.blockTime;
      for (const id of settlement.premature) settleStakeRow(db, id, 'premature', processed);
      for (const id of settlement.penaltiesApplied) settleStakeRow(db, id, 'paid', processed);
      for (const id of settlement.aborted) settleStakeRow(db, id, 'aborted', processed);
      const payout = insertPayoutIntent(db, {
        sourceKey: `stop:${op.blockNum}:${op.trxInBlock}:${op.opInTrx}`,
        purpose: 'stop',
        contractId: settlement.contractIds[0] ?? null,
        stakeId: null,
        recipient: user,
        recipientId: op.fromId,
        amountSats: settlement.payoutSats,
        memo: stopMemo({
          contractIds: settlement.contractIds,
          principalBts: settlement.principalTotalBts,
          penaltyBts: settlement.penaltyTotalBts,
        }),
      });
      for (const c of openContracts) {
        appendReceipt(db, c.contractId, {
          event: 'contract_stopped',
          ...facts,
          contractId: c.contractId,
          principalBts: c.principal.amount,
          penaltyBts: c.penalty.amount,
          interestAborted: c.pendingInterest.length,
          payoutId: payout.id,
        });
      }
      appendReceipt(db, 0, {
        event: 'stop_settled',
        ...facts,
        contractIds: settlement.contractIds,
        payoutSats: settlement.payoutSats,
        payoutId: payout.id,
      });
      return true;
    }
    case 'admin':
      handleAdmin(db, config, decision, { ...facts, sourceKey, brokerId: ctx.brokerId });
      return true;
    case 'admin_expired':
      // The instruction's own amount and account (not the BTS sent with it): an expired move that was executed before
      // this database was restored is then recognised in its transfer or withdrawal, never repeated nor alarmed.
      db.prepare(
        `INSERT INTO admin_actions (source_key, manager, action, amount_sats, account, outcome, created_at) VALUES (?, ?, ?, ?, ?, 'expired', ?)`,
      ).run(
        sourceKey,
        user,
        decision.type,
        decision.amountBts === null ? op.amountSats : btsToSats(decision.amountBts),
        decision.account,
        Date.now(),
      );
      appendReceipt(db, 0, {
        event: 'admin_expired',
        ...facts,
        action: decision.type,
        note: `older than ${config.terms.adminMaxAgeMs} ms when processed; not executed`,
      });
      return true;
    case 'invalid': {
      let payoutId: number | null = null;
      if (decision.refundBts > 0) {
        payoutId = insertPayoutIntent(db, {
          sourceKey: `refund:${op.blockNum}:${op.trxInBlock}:${op.opInTrx}`,
          purpose: 'refund',
          contractId: null,
          stakeId: null,
          recipient: user,
          recipientId: op.fromId,
          amountSats: BigInt(decision.refundBts) * SATS_PER_BTS,
          memo: refundMemo({
            reason: decision.reason,
            feeBts: config.terms.invalidFee,
            block: op.blockNum,
            trx: op.trxInBlock,
            op: op.opInTrx,
          }),
        }).id;
      }
      appendReceipt(db, 0, {
        event: 'invalid',
        ...facts,
        reason: decision.reason,
        refundBts: decision.refundBts,
        keptSats: decision.keptSats,
        payoutId,
      });
      return true;
    }
  }
}

function outcomeName(d: Classification): string {
  return d.action === 'invalid' ? `invalid:${d.reason}` : d.action === 'admin' ? `admin:${d.type}` : d.action;
}

/**
 * Manager instructions. Treasury destinations come from config, never from the sender (the original bot let a
 * manager withdraw to themselves). The BTS sent with the instruction is kept.
 */
function handleAdmin(
  db: Database,
  config: Config,
  d: Extract<Classification, { action: 'admin' }>,
  facts: { user: string; userId: string; amountSats: bigint; sourceKey: string; brokerId: string; block: number },
): void {
  const now = Date.now();
  if (d.type === 'loan_to_broker') {
    db.prepare(
      `INSERT INTO loans (source_key, manager, manager_id, amount_sats, block, created_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(facts.sourceKey, facts.user, facts.userId, facts.amountSats, facts.block, now);
    db.prepare(
      `INSERT INTO admin_actions (source_key, manager, action, amount_sats, account, outcome, created_at) VALUES (?, ?, 'loan_to_broker', ?, NULL, 'recorded', ?)`,
    ).run(facts.sourceKey, facts.user, facts.amountSats, now);
    appendReceipt(db, 0, { event: 'loan_recorded', ...facts });
    return;
  }
  const amountSats = btsToSats(d.amountBts ?? 0);
  const account = d.account ?? 0;
  if (!config.bittrex.accounts.some((a) => a.index === account)) {
    db.prepare(
      `INSERT INTO admin_actions (source_key, manager, action, amount_sats, account, outcome, created_at) VALUES (?, ?, ?, ?, ?, 'refused', ?)`,
    ).run(facts.sourceKey, facts.user, d.type, amountSats, account, now);
    appendReceipt(db, 0, {
      event: 'admin_refused',
      ...facts,
      action: d.type,
      account,
      reason: `Bittrex account ${account} is not configured`,
    });
    return;
  }
  queueAdminMove(db, config, {
    action: d.type,
    account,
    amountSats,
    manager: facts.user,
    brokerId: facts.brokerId,
    sourceKey: facts.sourceKey,
    facts,
  });
}
