import { decryptMemoWithKeys } from '../../chain/bitshares/index.js';
import type { NodeClient, RawBlock } from '../../chain/nodeClient/index.js';
import { parseSats } from '../../domain/money.js';

/** The node calls replay makes. */
export type ReplayNode = Pick<NodeClient, 'getBlock' | 'getAccountHistory' | 'getAccounts'>;

/** One transfer to the broker as the chain shows it (memo still as on chain). */
export type ChainIncoming = {
  blockNum: number;
  trxInBlock: number;
  opInTrx: number;
  time: number;
  fromId: string;
  toId: string;
  amountSats: bigint;
  assetId: string;
  /** The memo object on chain, if any. */
  memo: unknown;
};

/** Blocks by number, fetched once, `concurrency` at a time. */
export function blockCache(node: Pick<NodeClient, 'getBlock'>, concurrency = 16) {
  const cache = new Map<number, Promise<RawBlock | null>>();
  const one = (n: number) => {
    let p = cache.get(n);
    if (!p) {
      p = node.getBlock(n);
      cache.set(n, p);
    }
    return p;
  };
  return {
    get: one,
    async prefetch(nums: readonly number[]): Promise<void> {
      const list = [...new Set(nums)];
      for (let i = 0; i < list.length; i += concurrency) await Promise.all(list.slice(i, i + concurrency).map(one));
    },
  };
}

/** The transfer at (trx, op) of a block, or every transfer to `toId` in it. */
export function transfersIn(b: RawBlock, toId: string): ChainIncoming[] {
  const out: ChainIncoming[] = [];
  b.transactions.forEach((tx, trxInBlock) => {
    tx.operations.forEach(([type, op], opInTrx) => {
      if (type !== 0 || op.to !== toId || typeof op.from !== 'string') return;
      const amount = op.amount as { amount?: unknown; asset_id?: unknown } | undefined;
      let sats: bigint;
      try {
        sats = parseSats(amount?.amount);
      } catch {
        return;
      }
      out.push({
        blockNum: b.blockNum,
        trxInBlock,
        opInTrx,
        time: b.timestampMs,
        fromId: op.from,
        toId,
        amountSats: sats,
        assetId: String(amount?.asset_id ?? ''),
        memo: op.memo,
      });
    });
  });
  return out;
}

/**
 * Every transfer to the broker on chain: from a scan of `blocks` (inclusive), or from the broker's account history
 * (positions from the history, the operations themselves from their blocks).
 */
export async function fetchIncoming(
  node: ReplayNode,
  brokerId: string,
  blocks: { from: number; to: number } | 'history',
  cache = blockCache(node),
): Promise<ChainIncoming[]> {
  const out: ChainIncoming[] = [];
  if (blocks !== 'history') {
    const nums = Array.from({ length: Math.max(0, blocks.to - blocks.from + 1) }, (_, i) => blocks.from + i);
    await cache.prefetch(nums);
    for (const n of nums) {
      const b = await cache.get(n);
      if (b) out.push(...transfersIn(b, brokerId));
    }
    return out;
  }
  const positions: Array<{ blockNum: number; trxInBlock: number; opInTrx: number }> = [];
  const seen = new Set<string>();
  let start = '1.11.0';
  for (;;) {
    const page = await node.getAccountHistory(brokerId, '1.11.0', 100, start);
    for (const h of page) {
      if (seen.has(h.id)) continue;
      seen.add(h.id);
      const [type, op] = h.op;
      if (type === 0 && op.to === brokerId) positions.push({ blockNum: h.blockNum, trxInBlock: h.trxInBlock, opInTrx: h.opInTrx });
    }
    const lastNum = page.length ? Number(page.at(-1)?.id.split('.')[2]) : 0;
    if (page.length < 100 || lastNum <= 1) break;
    start = `1.11.${lastNum - 1}`;
  }
  await cache.prefetch(positions.map((p) => p.blockNum));
  for (const p of positions) {
    const b = await cache.get(p.blockNum);
    const t = b ? transfersIn(b, brokerId).find((x) => x.trxInBlock === p.trxInBlock && x.opInTrx === p.opInTrx) : undefined;
    if (t) out.push(t);
  }
  return out.sort((a, b) => a.blockNum - b.blockNum || a.trxInBlock - b.trxInBlock || a.opInTrx - b.opInTrx);
}

/**
 * The memo as the broker reads it: null = none; undefined = it cannot be decrypted. With the keystore's retired memo
 * keys, picked as the listener picks them (decryptMemoWithKeys).
 */
export function readChainMemo(memo: unknown, memoWif: string, retiredMemoWifs: readonly string[] = []): string | null | undefined {
  if (memo === undefined || memo === null) return null;
  const m = memo as { from?: unknown; to?: unknown; nonce?: unknown; message?: unknown };
  if (typeof m.from !== 'string' || typeof m.to !== 'string' || typeof m.message !== 'string') return undefined;
  if (typeof m.nonce !== 'string' && typeof m.nonce !== 'number') return undefined;
  const r = decryptMemoWithKeys({ from: m.from, to: m.to, nonce: m.nonce, message: m.message }, memoWif, retiredMemoWifs);
  return r.ok ? r.bytes.toString('utf8') : undefined;
}
