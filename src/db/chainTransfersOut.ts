import type { Database } from 'better-sqlite3';
import { cached } from './statementCache.js';

/** A transfer out of the broker seen in an irreversible block (table chain_transfers_out), amounts exact. */
export type TransferOutRow = {
  block_num: number;
  trx_in_block: number;
  op_in_trx: number;
  tx_id: string | null;
  to_id: string;
  amount_sats: bigint;
  asset_id: string;
  block_time: number;
  payout_id: number | null;
  ref: string | null;
};

/** The row as SQLite returns it with safe integers on. */
type RawTransferOut = Omit<TransferOutRow, 'block_num' | 'trx_in_block' | 'op_in_trx' | 'block_time' | 'payout_id'> & {
  block_num: bigint;
  trx_in_block: bigint;
  op_in_trx: bigint;
  block_time: bigint;
  payout_id: bigint | null;
};

/** Reads a row once: the amount stays a bigint, positions and times become numbers. */
function transferOutRow(r: RawTransferOut): TransferOutRow {
  return {
    block_num: Number(r.block_num),
    trx_in_block: Number(r.trx_in_block),
    op_in_trx: Number(r.op_in_trx),
    tx_id: r.tx_id,
    to_id: r.to_id,
    amount_sats: r.amount_sats,
    asset_id: r.asset_id,
    block_time: Number(r.block_time),
    payout_id: r.payout_id === null ? null : Number(r.payout_id),
    ref: r.ref,
  };
}

export type NewTransferOut = {
  blockNum: number;
  trxInBlock: number;
  opInTrx: number;
  txId: string | null;
  toId: string;
  amountSats: bigint;
  assetId: string;
  blockTime: number;
  payoutId: number | null;
  ref: string | null;
};

/** Records an outgoing transfer once (its chain position is the key); false when it was recorded already. */
export function insertTransferOut(db: Database, t: NewTransferOut, now = Date.now()): boolean {
  return (
    cached(
      db,
      `INSERT INTO chain_transfers_out (block_num, trx_in_block, op_in_trx, tx_id, to_id, amount_sats, asset_id, block_time, payout_id, ref, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    ).run(t.blockNum, t.trxInBlock, t.opInTrx, t.txId, t.toId, t.amountSats, t.assetId, t.blockTime, t.payoutId, t.ref, now).changes === 1
  );
}

/**
 * Outgoing transfers carrying payment reference `ref` that no attempt accounts for yet (their tx id is no attempt's
 * key): payments made by attempts this database does not know.
 */
export function unclaimedTransfersWithRef(db: Database, ref: string): TransferOutRow[] {
  const rows = cached(
    db,
    `SELECT * FROM chain_transfers_out t WHERE t.ref = ? AND t.tx_id IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM payout_attempts a WHERE a.idem_key = t.tx_id AND a.rail = 'broker')
        ORDER BY block_num, trx_in_block, op_in_trx`,
  )
    .safeIntegers(true)
    .all(ref) as Array<RawTransferOut & { created_at: bigint }>;
  return rows.map(transferOutRow);
}

/** The payment the broker attempt with this tx id belongs to, if any. */
export function payoutOfBrokerTx(db: Database, txId: string): number | null {
  const row = cached(db, `SELECT payout_id FROM payout_attempts WHERE idem_key = ? AND rail = 'broker'`).get(txId) as
    | { payout_id: number }
    | undefined;
  return row?.payout_id ?? null;
}

/** Where the broker transfer with this tx id was first seen in an irreversible block, if it was. */
export function firstTransferOfTx(db: Database, txId: string): { block_num: number; trx_in_block: number; op_in_trx: number } | undefined {
  return cached(db, 'SELECT block_num, trx_in_block, op_in_trx FROM chain_transfers_out WHERE tx_id = ? ORDER BY block_num LIMIT 1').get(
    txId,
  ) as { block_num: number; trx_in_block: number; op_in_trx: number } | undefined;
}
