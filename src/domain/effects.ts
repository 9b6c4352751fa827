import type { ScheduleRow } from './contractSchedule.js';

/**
 * The ledger's effects as plain data: what the pure planners (planIncoming, planAdminMove) decide and the one writer
 * (src/ledger/applyEffects.ts) applies, in order, in the caller's transaction. Ids the database assigns (a new
 * contract's, a payment's) are named by a `Ref` and filled in by the writer.
 */

/** A value the writer learns only when it writes an earlier effect of the same plan. */
export type Ref = { ref: 'contractId' | 'contractReceiptStakeId' | 'payoutId' };

/** The memo of a payment: its text, or the contract receipt's, which names the contract id the writer learns. */
export type PaymentMemo =
  | string
  | { contractReceipt: { months: number; amountBts: number; start: number; block: number; trx: number; op: number } };

export type PlannedPayment = {
  sourceKey: string;
  purpose: 'contract_receipt' | 'stop' | 'refund' | 'bittrex_to_broker' | 'broker_to_bittrex';
  contractId: number | null | Ref;
  stakeId: number | null | Ref;
  recipient: string;
  recipientId: string | null;
  amountSats: bigint;
  memo: PaymentMemo;
  /** Send the memo as given, without the payment reference (a memo another system reads). */
  exactMemo?: boolean;
};

/** An operation's key (block, transaction, operation) and the transfer's facts, as chain data gives them. */
export type OpFacts = {
  blockNum: number;
  trxInBlock: number;
  opInTrx: number;
  txId: string | null;
  fromId: string;
  amountSats: bigint;
  assetId: string;
};

export type Effect =
  /** Claim the operation's key with this outcome; when it is claimed already (a replayed block) the plan ends here. */
  | {
      kind: 'claim_op';
      op: OpFacts;
      blockTime: number;
      outcome: string;
    }
  /** Append a receipt; top-level message values that are a `Ref` are replaced by the value. */
  | { kind: 'receipt'; nonce: number | Ref; msg: { event: string } & Record<string, unknown> }
  /** Open a contract with these rows; when its source key exists already the plan ends here. */
  | {
      kind: 'open_contract';
      contract: {
        sourceKey: string;
        user: string;
        userId: string;
        amountBts: number;
        months: number;
        start: number;
        block: number;
        trxInBlock: number;
        opInTrx: number;
        origin: 'chain';
      };
      rows: ScheduleRow[];
    }
  /** Settle pending rows (each only if still pending) with this status at chain time `processed`. */
  | { kind: 'settle_rows'; status: 'paid' | 'aborted' | 'premature'; ids: number[]; processed: number }
  /** Queue a payment intent (once per source key); its id becomes the plan's `payoutId`. */
  | { kind: 'queue_payment'; payment: PlannedPayment }
  | { kind: 'record_loan'; loan: { sourceKey: string; manager: string; managerId: string; amountSats: bigint; block: number } }
  | {
      kind: 'record_admin_action';
      action: {
        sourceKey: string;
        manager: string;
        action: string;
        amountSats: bigint;
        account: number | null;
        outcome: 'queued' | 'recorded' | 'refused' | 'expired';
        payoutId: null | Ref;
      };
    };
