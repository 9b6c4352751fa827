import type { Database } from 'better-sqlite3';

/** One row of `processed_ops` with the facts of its `transfer_in` receipt (the memo as the daemon read it). */
export type ProcessedIncoming = {
  blockNum: number;
  trxInBlock: number;
  opInTrx: number;
  txId: string | null;
  fromId: string;
  amountSats: bigint;
  assetId: string;
  outcome: string;
  blockTime: number;
  /** The user name the daemon resolved (from the receipt), or null when no receipt names it. */
  user: string | null;
  /** Memo text from the receipt: null = no memo or undecryptable; undefined = no transfer_in receipt found. */
  memo: string | null | undefined;
};

/**
 * Every incoming operation the daemon handled, in chain order, with the memo from its `transfer_in` receipt.
 * Receipts are read once and matched in memory (they carry block/trx/op in their JSON, which has no index).
 */
export function processedIncoming(db: Database): ProcessedIncoming[] {
  const receipts = new Map<string, { user: string | null; memo: string | null }>();
  const rows = db
    .prepare(
      `SELECT json_extract(msg, '$.block') AS b, json_extract(msg, '$.trx') AS t, json_extract(msg, '$.op') AS o,
              json_extract(msg, '$.user') AS user, json_extract(msg, '$.memo') AS memo
         FROM receipts WHERE json_extract(msg, '$.event') = 'transfer_in' ORDER BY id`,
    )
    .all() as { b: number; t: number; o: number; user: string | null; memo: string | null }[];
  for (const r of rows) {
    const key = `${r.b}:${r.t}:${r.o}`;
    if (!receipts.has(key)) receipts.set(key, { user: r.user, memo: r.memo });
  }
  const ops = db
    .prepare(
      `SELECT block_num, trx_in_block, op_in_trx, tx_id, from_id, amount_sats, asset_id, outcome, block_time
         FROM processed_ops ORDER BY block_num, trx_in_block, op_in_trx`,
    )
    .all() as {
    block_num: number;
    trx_in_block: number;
    op_in_trx: number;
    tx_id: string | null;
    from_id: string;
    amount_sats: number;
    asset_id: string;
    outcome: string;
    block_time: number;
  }[];
  return ops.map((p) => {
    const r = receipts.get(`${p.block_num}:${p.trx_in_block}:${p.op_in_trx}`);
    return {
      blockNum: p.block_num,
      trxInBlock: p.trx_in_block,
      opInTrx: p.op_in_trx,
      txId: p.tx_id,
      fromId: p.from_id,
      amountSats: BigInt(p.amount_sats),
      assetId: p.asset_id,
      outcome: p.outcome,
      blockTime: p.block_time,
      user: r?.user ?? null,
      memo: r === undefined ? undefined : r.memo,
    };
  });
}

/** What the database says a payment outside was for: its purpose and state, by chain tx id or Bittrex ids. */
export type PaymentPurposeIndex = {
  byTxId: Map<string, { purpose: string; state: string }>;
  byWithdrawal: Map<string, { purpose: string; state: string }>;
};

/** Purposes of payments by their outside ids (payout external id, every attempt's idem key and external id). */
export function paymentPurposes(db: Database): PaymentPurposeIndex {
  const byTxId = new Map<string, { purpose: string; state: string }>();
  const byWithdrawal = new Map<string, { purpose: string; state: string }>();
  const payouts = db.prepare('SELECT purpose, state, external_id FROM payouts WHERE external_id IS NOT NULL').all() as {
    purpose: string;
    state: string;
    external_id: string;
  }[];
  for (const p of payouts) byTxId.set(p.external_id, { purpose: p.purpose, state: p.state });
  const attempts = db
    .prepare(`SELECT p.purpose, p.state, a.idem_key, a.external_id, a.rail FROM payout_attempts a JOIN payouts p ON p.id = a.payout_id`)
    .all() as { purpose: string; state: string; idem_key: string; external_id: string | null; rail: string }[];
  for (const a of attempts) {
    const v = { purpose: a.purpose, state: a.state };
    if (a.rail === 'broker') byTxId.set(a.idem_key, v);
    else byWithdrawal.set(a.idem_key, v);
    if (a.external_id) {
      byWithdrawal.set(a.external_id, v);
      byTxId.set(a.external_id, v);
    }
  }
  const transfers = db
    .prepare(`SELECT t.tx_id, p.purpose, p.state FROM chain_transfers_out t JOIN payouts p ON p.id = t.payout_id WHERE t.tx_id IS NOT NULL`)
    .all() as { tx_id: string; purpose: string; state: string }[];
  for (const t of transfers) byTxId.set(t.tx_id, { purpose: t.purpose, state: t.state });
  return { byTxId, byWithdrawal };
}

/** Payments the database still has on their way (not paid, not failed): a due entitlement among them is in flight. */
export function paymentsInFlight(db: Database): { recipient: string; amountSats: bigint; purpose: string; state: string }[] {
  return (
    db
      .prepare(`SELECT recipient, amount_sats, purpose, state FROM payouts WHERE state IN ('pending', 'sending', 'unknown', 'submitted')`)
      .all() as { recipient: string; amount_sats: number; purpose: string; state: string }[]
  ).map((p) => ({ recipient: p.recipient, amountSats: BigInt(p.amount_sats), purpose: p.purpose, state: p.state }));
}
