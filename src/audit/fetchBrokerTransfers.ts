import { transactionId } from '../chain/bitshares/index.js';
import type { NodeClient, RawBlock } from '../chain/nodeClient/index.js';
import { parseSats } from '../domain/money.js';
import type { ChainTransferOut } from './reconcilePayments.js';

/** The node calls this needs (a NodeClient, or a stand-in in tests). */
export type ChainReader = Pick<NodeClient, 'getAccountHistory' | 'getBlock'>;

export type FetchBrokerTransfersOptions = {
  brokerId: string;
  /** Scan these blocks (inclusive) instead of reading the account history (nodes without the history plugin). */
  blocks?: { from: number; to: number };
  /** History page size (a node serves at most 100). @default 100 */
  pageSize?: number;
  /** Blocks fetched at once. @default 16 */
  concurrency?: number;
};

/**
 * Every transfer out of the broker on chain, with its tx id. From the account history (paged from the most recent,
 * blocks fetched for the tx ids) or, given `blocks`, from a scan of that range.
 */
export async function fetchBrokerTransfers(node: ChainReader, options: FetchBrokerTransfersOptions): Promise<ChainTransferOut[]> {
  const { brokerId, blocks, pageSize = 100, concurrency = 16 } = options;
  const cache = new Map<number, Promise<RawBlock | null>>();
  const block = (n: number) => {
    let p = cache.get(n);
    if (!p) {
      p = node.getBlock(n);
      cache.set(n, p);
    }
    return p;
  };
  const out: ChainTransferOut[] = [];
  if (blocks) {
    for (let n = blocks.from; n <= blocks.to; n += concurrency) {
      const nums = Array.from({ length: Math.min(concurrency, blocks.to - n + 1) }, (_, i) => n + i);
      const got = await Promise.all(nums.map((b) => node.getBlock(b)));
      got.forEach((b, i) => {
        if (b) out.push(...transfersOutOf(b, nums[i] as number, brokerId));
      });
    }
    return out;
  }
  // 1. the history, most recent first: ids in (stop, start] (start 1.11.0 = from the most recent; stop 1.11.0 also
  //    brings 1.11.0 itself when it is the broker's); the next page starts just below the last id seen
  const positions: Array<{ blockNum: number; trxInBlock: number; opInTrx: number }> = [];
  const take = (page: Awaited<ReturnType<ChainReader['getAccountHistory']>>) => {
    for (const h of page) {
      const [type, op] = h.op;
      if (type === 0 && op.from === brokerId) positions.push({ blockNum: h.blockNum, trxInBlock: h.trxInBlock, opInTrx: h.opInTrx });
    }
  };
  let start = '1.11.0';
  for (;;) {
    const page = await node.getAccountHistory(brokerId, '1.11.0', pageSize, start);
    take(page);
    const last = page.at(-1);
    const lastNum = last ? Number(last.id.split('.')[2]) : 0;
    if (page.length < pageSize || lastNum === 0) break;
    if (lastNum === 1) {
      // "start 1.11.0" would mean the most recent again: ask from 1.11.1 once more, keep only 1.11.0 if it is ours.
      take((await node.getAccountHistory(brokerId, '1.11.0', 2, '1.11.1')).filter((h) => h.id === '1.11.0'));
      break;
    }
    start = `1.11.${lastNum - 1}`;
  }
  // 2. the blocks holding them, for tx ids and the exact operation
  const wanted = [...new Set(positions.map((p) => p.blockNum))];
  for (let i = 0; i < wanted.length; i += concurrency) await Promise.all(wanted.slice(i, i + concurrency).map(block));
  for (const pos of positions) {
    const b = await block(pos.blockNum);
    const t = b
      ? transfersOutOf(b, pos.blockNum, brokerId).find((x) => x.trxInBlock === pos.trxInBlock && x.opInTrx === pos.opInTrx)
      : undefined;
    if (t) out.push(t);
  }
  return out.sort((a, b) => a.blockNum - b.blockNum || a.trxInBlock - b.trxInBlock || a.opInTrx - b.opInTrx);
}

function transfersOutOf(b: RawBlock, blockNum: number, brokerId: string): ChainTransferOut[] {
  const out: ChainTransferOut[] = [];
  b.transactions.forEach((tx, trxInBlock) => {
    tx.operations.forEach(([type, op], opInTrx) => {
      if (type !== 0 || op.from !== brokerId || typeof op.to !== 'string') return;
      const amount = op.amount as { amount?: unknown; asset_id?: unknown } | undefined;
      let sats: bigint;
      try {
        sats = parseSats(amount?.amount);
      } catch {
        return;
      }
      out.push({
        txId: transactionId(tx),
        blockNum,
        trxInBlock,
        opInTrx,
        toId: op.to,
        amountSats: sats,
        assetId: String(amount?.asset_id ?? ''),
        blockTime: b.timestampMs,
      });
    });
  });
  return out;
}
