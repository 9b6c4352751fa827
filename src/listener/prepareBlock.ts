import { decryptMemoWithKeys, transactionId } from '../chain/bitshares/index.js';
import type { RawBlock } from '../chain/nodeClient/index.js';
import { parseSats } from '../domain/money.js';
import { type ParsedMemo, parseMemo } from '../domain/parseMemo.js';
import { refOf } from '../domain/paymentKeys.js';
import type { PreparedBlock } from '../ledger/preparedBlock.js';

export type { IncomingOp, OpKey, OutgoingOp, PreparedBlock } from '../ledger/preparedBlock.js';

/**
 * `brokerRetiredMemoWifs`: memo keys the broker had before a rotation. A client's wallet encrypts to the memo key it
 * looked up, which can be the old one for a while (a wallet open since before, a transfer signed before the account
 * update); the broker's own payments from before the rotation carry memos under the old key too (their payment
 * references matter after a restore). Each is tried only when the current key is not a party to the memo.
 */
export type PrepareContext = { brokerId: string; brokerMemoWif: string; brokerRetiredMemoWifs?: readonly string[] };

/**
 * Picks the broker's transfers out of a raw block and decodes what can be decoded before the (synchronous)
 * apply step: memo decryption, memo parsing, tx ids. Selection is on raw JSON (op type 0, `to`/`from` ids),
 * so unknown operation types elsewhere in the block never matter. Never throws on a malformed operation.
 */
export function prepareBlock(block: RawBlock, ctx: PrepareContext): PreparedBlock {
  const ops: PreparedBlock['ops'] = [];
  block.transactions.forEach((tx, trxInBlock) => {
    let txId: string | null | undefined;
    // Computed from the transaction itself; the node's own list (signed_block_with_info) only where the serializer
    // cannot pack it (operations bitsharesjs does not know).
    const idOf = () => {
      if (txId === undefined) txId = transactionId(tx) ?? nodeTxId(block.transactionIds?.[trxInBlock]);
      return txId;
    };
    tx.operations.forEach(([type, op], opInTrx) => {
      if (type !== 0) return;
      const to = op.to;
      const from = op.from;
      if (to !== ctx.brokerId && from !== ctx.brokerId) return;
      const amount = readAmount(op.amount);
      if (!amount || typeof from !== 'string' || typeof to !== 'string') return;
      const key = { blockNum: block.blockNum, trxInBlock, opInTrx };
      if (to === ctx.brokerId) {
        const { memo, memoText } = readMemo(op.memo, ctx);
        ops.push({ ...key, direction: 'in', fromId: from, amountSats: amount.sats, assetId: amount.assetId, memo, memoText, txId: idOf() });
      } else {
        const { memoText } = readMemo(op.memo, ctx);
        ops.push({
          ...key,
          direction: 'out',
          toId: to,
          amountSats: amount.sats,
          assetId: amount.assetId,
          txId: idOf(),
          ref: refOf(memoText),
        });
      }
    });
  });
  return {
    blockNum: block.blockNum,
    blockTime: block.timestampMs,
    blockId: block.blockId ?? block.computedId,
    previous: block.previous,
    servedBy: block.servedBy,
    ops,
  };
}

function nodeTxId(id: unknown): string | null {
  return typeof id === 'string' && /^[0-9a-f]{40}$/.test(id) ? id : null;
}

function readAmount(value: unknown): { sats: bigint; assetId: string } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { amount, asset_id: assetId } = value as { amount?: unknown; asset_id?: unknown };
  if (typeof assetId !== 'string') return null;
  try {
    const sats = parseSats(amount);
    return sats > 0n ? { sats, assetId } : null;
  } catch {
    return null;
  }
}

const MAX_RECEIPT_MEMO = 256;

function readMemo(raw: unknown, ctx: PrepareContext): { memo: ParsedMemo | { kind: 'undecryptable' }; memoText: string | null } {
  if (raw === undefined || raw === null) return { memo: parseMemo(null), memoText: null };
  const m = raw as { from?: unknown; to?: unknown; nonce?: unknown; message?: unknown };
  if (
    typeof m.from !== 'string' ||
    typeof m.to !== 'string' ||
    typeof m.message !== 'string' ||
    (typeof m.nonce !== 'string' && typeof m.nonce !== 'number')
  ) {
    return { memo: { kind: 'undecryptable' }, memoText: null };
  }
  const memo = { from: m.from, to: m.to, nonce: m.nonce, message: m.message };
  const result = decryptMemoWithKeys(memo, ctx.brokerMemoWif, ctx.brokerRetiredMemoWifs);
  if (!result.ok) return { memo: { kind: 'undecryptable' }, memoText: null };
  const text = result.bytes.toString('utf8');
  return { memo: parseMemo(result.bytes), memoText: text.length > MAX_RECEIPT_MEMO ? `${text.slice(0, MAX_RECEIPT_MEMO)}…` : text };
}
