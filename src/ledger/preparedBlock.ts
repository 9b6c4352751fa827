import type { ParsedMemo } from '../domain/parseMemo.js';

/**
 * What the ledger applies: a block as the listener decoded it (src/listener/prepareBlock.ts), with only the broker's
 * transfers. Defined here, on the ledger's side, so the listener depends on the ledger and never the other way round.
 */

export type OpKey = { blockNum: number; trxInBlock: number; opInTrx: number };

export type IncomingOp = OpKey & {
  direction: 'in';
  fromId: string;
  amountSats: bigint;
  assetId: string;
  memo: ParsedMemo | { kind: 'undecryptable' };
  /** The decoded memo text for the receipt (bounded), or null. */
  memoText: string | null;
  txId: string | null;
};

export type OutgoingOp = OpKey & {
  direction: 'out';
  toId: string;
  amountSats: bigint;
  assetId: string;
  txId: string | null;
  /** The payment reference (payout UUID) the broker's own memo carries, read with the broker's memo key; or null. */
  ref: string | null;
};

export type PreparedBlock = {
  blockNum: number;
  blockTime: number;
  /** The block's id (the node's, else computed from its header), kept with the cursor; null when unknown. */
  blockId?: string | null;
  /** The id of the block before it, as this block names it. */
  previous?: string;
  /** Sanitised URL of the node that served it. */
  servedBy?: string;
  ops: Array<IncomingOp | OutgoingOp>;
};
