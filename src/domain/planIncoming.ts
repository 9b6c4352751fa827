import type { Terms } from '../config/configSchema.js';
import { type Classification, classifyTransfer } from './classifyTransfer.js';
import { contractSchedule } from './contractSchedule.js';
import type { Effect, OpFacts, Ref } from './effects.js';
import { btsToSats, SATS_PER_BTS } from './money.js';
import type { ParsedMemo } from './parseMemo.js';
import { stakeRowKey } from './paymentKeys.js';
import { refundMemo, stopMemo } from './paymentMemos.js';
import { planAdminMove, type TreasuryFacts } from './planAdminMove.js';
import { type OpenContractRows, settleStop } from './settleStop.js';

/**
 * What one incoming transfer to the broker becomes (RULES.md "What each incoming transfer to the broker becomes"), as
 * plain data: the effects the ledger writes, in order, inside the block's transaction (src/ledger/applyEffects.ts).
 * Pure: no database, no clock; everything it needs is passed in, so the rules are tested from a fixture table
 * (test/fixtures/planIncoming.json).
 */

export type { Effect, OpFacts, PaymentMemo, PlannedPayment, Ref } from './effects.js';

/** An incoming transfer as the listener decoded it (src/listener/prepareBlock.ts `IncomingOp`). */
export type IncomingTransfer = OpFacts & {
  memo: ParsedMemo | { kind: 'undecryptable' };
  /** The decoded memo text for the receipt (bounded), or null. */
  memoText: string | null;
};

export type PlanInput = {
  transfer: IncomingTransfer;
  /** Timestamp (ms) of the block holding the transfer: a contract's start, the time rows are settled at. */
  blockTime: number;
  /** The sender's contracts open at `blockTime` (principal pending, not being paid, not due yet). */
  openContracts: OpenContractRows[];
  terms: Terms;
  /** "Now" for admin freshness: the last irreversible block time when processed. */
  now: number;
  /** The sender's account name, when known (else its id names it). */
  senderName: string | undefined;
  senderIsManager: boolean;
  senderIsFundingAccount: boolean;
  /** BTS max supply in satoshis (asset 1.3.0 on chain): the cap of every amount from outside. */
  maxSupplySats: bigint;
  /** The broker's account id (recipient of a top-up). */
  brokerId: string;
  treasury: TreasuryFacts;
};

/** Outcome of an operation whose handling threw: claimed, receipted, not applied. */
export const INTERNAL_OUTCOME = 'invalid:internal';

/** The name processed_ops keeps for a classification. */
export function outcomeName(d: Classification): string {
  return d.action === 'invalid' ? `invalid:${d.reason}` : d.action === 'admin' ? `admin:${d.type}` : d.action;
}

/**
 * Plans one incoming transfer.
 * @throws BaseError('USAGE') when an admin move passes classification but not the move's own checks (the ledger
 *   records the operation as `invalid:internal`)
 */
export function planIncoming(input: PlanInput): Effect[] {
  const { transfer: op, terms, blockTime } = input;
  const user = input.senderName ?? op.fromId;
  const sourceKey = `op:${op.blockNum}:${op.trxInBlock}:${op.opInTrx}`;
  const where = { block: op.blockNum, trx: op.trxInBlock, op: op.opInTrx };

  const decision = classifyTransfer(
    { amountSats: op.amountSats, assetId: op.assetId, blockTime },
    {
      terms,
      memo: op.memo,
      senderIsManager: input.senderIsManager,
      senderIsFundingAccount: input.senderIsFundingAccount,
      senderOpenContracts: input.openContracts.length,
      now: input.now,
      maxSupplySats: input.maxSupplySats,
    },
  );
  const outcome = outcomeName(decision);
  const facts = transferFacts(op, user);
  const effects: Effect[] = [
    claim(op, blockTime, outcome),
    { kind: 'receipt', nonce: 0, msg: { event: 'transfer_in', ...facts, outcome } },
  ];
  const receipt = (nonce: number | Ref, msg: { event: string } & Record<string, unknown>) => effects.push({ kind: 'receipt', nonce, msg });

  switch (decision.action) {
    case 'unsupported_asset':
      receipt(0, { event: 'unsupported_asset', ...facts, note: 'not refunded; listed for the manager' });
      return effects;
    case 'funding':
      receipt(0, { event: 'funding', ...facts });
      return effects;
    case 'new_contract': {
      const rows = contractSchedule({ amountBts: decision.amountBts, months: decision.months, start: blockTime }, terms);
      const contractId: Ref = { ref: 'contractId' };
      effects.push({
        kind: 'open_contract',
        contract: {
          sourceKey,
          user,
          userId: op.fromId,
          amountBts: decision.amountBts,
          months: decision.months,
          start: blockTime,
          block: op.blockNum,
          trxInBlock: op.trxInBlock,
          opInTrx: op.opInTrx,
          origin: 'chain',
        },
        rows,
      });
      effects.push({
        kind: 'queue_payment',
        payment: {
          sourceKey: stakeRowKey(sourceKey, rows[0]!.type, 0),
          purpose: 'contract_receipt',
          contractId,
          stakeId: { ref: 'contractReceiptStakeId' },
          recipient: user,
          recipientId: op.fromId,
          amountSats: btsToSats(terms.receiptAmount),
          memo: { contractReceipt: { months: decision.months, amountBts: decision.amountBts, start: blockTime, ...where } },
        },
      });
      receipt(contractId, {
        event: 'contract_opened',
        ...facts,
        contractId,
        type: decision.type,
        months: decision.months,
        amountBts: decision.amountBts,
        start: blockTime,
        fractionKeptSats: decision.fractionSats,
        schedule: rows.map((r) => [r.type, r.number, r.amount, r.due]),
      });
      return effects;
    }
    case 'stop': {
      const settlement = settleStop(input.openContracts, op.amountSats);
      const payoutId: Ref = { ref: 'payoutId' };
      for (const [status, ids] of [
        ['premature', settlement.premature],
        ['paid', settlement.penaltiesApplied],
        ['aborted', settlement.aborted],
      ] as const) {
        if (ids.length > 0) effects.push({ kind: 'settle_rows', status, ids, processed: blockTime });
      }
      effects.push({
        kind: 'queue_payment',
        payment: {
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
        },
      });
      for (const c of input.openContracts) {
        receipt(c.contractId, {
          event: 'contract_stopped',
          ...facts,
          contractId: c.contractId,
          principalBts: c.principal.amount,
          penaltyBts: c.penalty.amount,
          interestAborted: c.pendingInterest.length,
          payoutId,
        });
      }
      receipt(0, {
        event: 'stop_settled',
        ...facts,
        contractIds: settlement.contractIds,
        payoutSats: settlement.payoutSats,
        payoutId,
      });
      return effects;
    }
    case 'admin':
      effects.push(...planAdmin(decision, { ...facts, sourceKey, brokerId: input.brokerId }, input));
      return effects;
    case 'admin_expired':
      // The instruction's own amount and account (not the BTS sent with it): an expired move that was executed before
      // this database was restored is then recognised in its transfer or withdrawal, never repeated nor alarmed.
      effects.push({
        kind: 'record_admin_action',
        action: {
          sourceKey,
          manager: user,
          action: decision.type,
          amountSats: decision.amountBts === null ? op.amountSats : btsToSats(decision.amountBts),
          account: decision.account,
          outcome: 'expired',
          payoutId: null,
        },
      });
      receipt(0, {
        event: 'admin_expired',
        ...facts,
        action: decision.type,
        note: `older than ${terms.adminMaxAgeMs} ms when processed; not executed`,
      });
      return effects;
    case 'invalid': {
      let payoutId: Ref | null = null;
      if (decision.refundBts > 0) {
        payoutId = { ref: 'payoutId' };
        effects.push({
          kind: 'queue_payment',
          payment: {
            sourceKey: `refund:${op.blockNum}:${op.trxInBlock}:${op.opInTrx}`,
            purpose: 'refund',
            contractId: null,
            stakeId: null,
            recipient: user,
            recipientId: op.fromId,
            amountSats: BigInt(decision.refundBts) * SATS_PER_BTS,
            memo: refundMemo({ reason: decision.reason, feeBts: terms.invalidFee, ...where }),
          },
        });
      }
      receipt(0, {
        event: 'invalid',
        ...facts,
        reason: decision.reason,
        refundBts: decision.refundBts,
        keptSats: decision.keptSats,
        payoutId,
      });
      return effects;
    }
  }
}

/**
 * An operation whose handling threw (a bug, a row the schema refused): claimed as `invalid:internal`, receipted with
 * the error, not applied and not refunded (issue 9 §2). The ledger plans it after rolling the operation back.
 */
export function planFailedIncoming(op: IncomingTransfer, blockTime: number, senderName: string | undefined, error: string): Effect[] {
  const facts = transferFacts(op, senderName ?? op.fromId);
  return [
    claim(op, blockTime, INTERNAL_OUTCOME),
    { kind: 'receipt', nonce: 0, msg: { event: 'transfer_in', ...facts, outcome: INTERNAL_OUTCOME } },
    {
      kind: 'receipt',
      nonce: 0,
      msg: { event: 'incoming_failed', ...facts, error, note: 'not applied and not refunded: needs the manager' },
    },
  ];
}

/** The facts every receipt of an incoming transfer starts with (their order is the receipts' byte order). */
function transferFacts(op: IncomingTransfer, user: string) {
  return {
    user,
    userId: op.fromId,
    amountSats: op.amountSats,
    asset: op.assetId,
    block: op.blockNum,
    trx: op.trxInBlock,
    op: op.opInTrx,
    txId: op.txId,
    memo: op.memoText,
  };
}

function claim(op: IncomingTransfer, blockTime: number, outcome: string): Effect {
  const { blockNum, trxInBlock, opInTrx, txId, fromId, amountSats, assetId } = op;
  return { kind: 'claim_op', op: { blockNum, trxInBlock, opInTrx, txId, fromId, amountSats, assetId }, blockTime, outcome };
}

/**
 * Manager instructions. Treasury destinations come from config, never from the sender (the original bot let a
 * manager withdraw to themselves). The BTS sent with the instruction is kept.
 */
function planAdmin(
  d: Extract<Classification, { action: 'admin' }>,
  facts: ReturnType<typeof transferFacts> & { sourceKey: string; brokerId: string },
  input: PlanInput,
): Effect[] {
  if (d.type === 'loan_to_broker') {
    return [
      {
        kind: 'record_loan',
        loan: {
          sourceKey: facts.sourceKey,
          manager: facts.user,
          managerId: facts.userId,
          amountSats: facts.amountSats,
          block: facts.block,
        },
      },
      {
        kind: 'record_admin_action',
        action: {
          sourceKey: facts.sourceKey,
          manager: facts.user,
          action: 'loan_to_broker',
          amountSats: facts.amountSats,
          account: null,
          outcome: 'recorded',
          payoutId: null,
        },
      },
      { kind: 'receipt', nonce: 0, msg: { event: 'loan_recorded', ...facts } },
    ];
  }
  const amountSats = btsToSats(d.amountBts ?? 0);
  const account = d.account ?? 0;
  if (!input.treasury.accounts.some((a) => a.index === account)) {
    return [
      {
        kind: 'record_admin_action',
        action: {
          sourceKey: facts.sourceKey,
          manager: facts.user,
          action: d.type,
          amountSats,
          account,
          outcome: 'refused',
          payoutId: null,
        },
      },
      {
        kind: 'receipt',
        nonce: 0,
        msg: { event: 'admin_refused', ...facts, action: d.type, account, reason: `exchange account ${account} is not configured` },
      },
    ];
  }
  return planAdminMove(input.treasury, input.terms, {
    action: d.type,
    account,
    amountSats,
    manager: facts.user,
    brokerId: facts.brokerId,
    sourceKey: facts.sourceKey,
    facts,
  });
}
