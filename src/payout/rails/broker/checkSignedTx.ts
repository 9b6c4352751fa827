import { transactionId } from '../../../chain/bitshares/index.js';

/** The signed tx must be exactly this payment from the broker, under this id; anything else is never persisted or sent. */
export function checkSignedTx(
  tx: Record<string, unknown>,
  txId: string,
  want: { from: string; to: string; amount: bigint },
): string | null {
  if (transactionId(tx) !== txId) return 'tx id does not match the signed transaction';
  const ops = tx.operations;
  if (!Array.isArray(ops) || ops.length !== 1) return 'expected exactly one operation';
  const [type, op] = ops[0] as [unknown, Record<string, unknown>];
  const amount = op?.amount as { amount?: unknown; asset_id?: unknown } | undefined;
  if (
    type !== 0 ||
    op.from !== want.from ||
    op.to !== want.to ||
    String(amount?.amount) !== want.amount.toString() ||
    amount?.asset_id !== '1.3.0'
  ) {
    return 'transfer does not match the payment';
  }
  return null;
}
