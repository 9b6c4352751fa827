import type { NodeClient, OperationHistory } from '../chain/nodeClient/index.js';

/** bitshares-core's `api_limit_get_account_history` default: the most operations one history call returns. */
export const HISTORY_PAGE = 100;

export type BrokerHistory =
  | {
      complete: true;
      /** Block numbers holding a transfer to or from the broker, in (after, lib], ascending, with the listed ops. */
      blocks: Map<number, OperationHistory[]>;
      /** History calls made. */
      calls: number;
    }
  | { complete: false; reason: string; calls: number };

/**
 * The broker's transfers in blocks (after, lib], from the node's history api, as an exchange's deposit scanner reads
 * them: `get_account_history(broker, stop 1.11.0, 100, start)` pages newest first by operation id (each next page
 * starts one id below the last one seen), until an operation at or below `after` shows that everything above it was
 * listed. When paging reaches the account's oldest kept operation without getting there, the answer is complete only
 * if the node still holds every operation the account ever had (statistics `total_ops`, `removed_ops` 0): a node
 * with `max-ops-per-account` (or pruned history) answers partially, and that is said, never guessed around.
 */
export async function listBrokerHistory(node: NodeClient, brokerId: string, after: number, lib: number): Promise<BrokerHistory> {
  const stats = await node.getAccountStatistics(brokerId);
  let calls = 1;
  if (!stats) return { complete: false, reason: `the node does not know the broker account ${brokerId}`, calls };
  const blocks = new Map<number, OperationHistory[]>();
  let start = '1.11.0'; // 0 = from the most recent
  let seen = 0;
  let reached = false;
  let lastNum = Number.POSITIVE_INFINITY;
  for (;;) {
    const page = await node.getAccountHistory(brokerId, '1.11.0', HISTORY_PAGE, start);
    calls++;
    for (const e of page) {
      const num = Number(e.id.split('.')[2]);
      // Operation ids only go down within and across pages; one that does not is a node answering out of order.
      if (!(num < lastNum)) return { complete: false, reason: `history out of operation-id order at ${e.id}`, calls };
      lastNum = num;
      seen++;
      if (e.blockNum <= after) {
        reached = true;
        break;
      }
      if (e.blockNum > lib || !isBrokerTransfer(e, brokerId)) continue;
      const list = blocks.get(e.blockNum) ?? [];
      list.push(e);
      blocks.set(e.blockNum, list);
    }
    if (reached || page.length < HISTORY_PAGE || lastNum <= 1) break;
    start = `1.11.${lastNum - 1}`;
  }
  if (!reached) {
    const removed = stats.removedOps;
    if (removed > 0n || BigInt(seen) < stats.totalOps) {
      return {
        complete: false,
        reason: `partial history: the node lists ${seen} of the broker's ${stats.totalOps} operations (${removed} removed) and none at or before block ${after}`,
        calls,
      };
    }
  }
  const sorted = new Map([...blocks.entries()].sort((a, b) => a[0] - b[0]));
  return { complete: true, blocks: sorted, calls };
}

function isBrokerTransfer(e: OperationHistory, brokerId: string): boolean {
  const [type, op] = e.op as [number, { from?: unknown; to?: unknown }];
  return type === 0 && (op?.from === brokerId || op?.to === brokerId);
}
