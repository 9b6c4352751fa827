import { createHash } from 'node:crypto';
import type { NodeClient, RawBlock } from '../chain/nodeClient/index.js';
import { checkBlock } from './checkBlock.js';
import type { PreparedBlock } from './prepareBlock.js';

export type QuorumVerdict =
  | { ok: true; agreeing: string[] }
  /** A node says something else about this block: nothing of it is applied, and it is an alarm. */
  | { ok: false; kind: 'disagreement'; agreeing: string[]; disagreeing: Array<{ node: string; says: string }> }
  /** Not enough nodes confirm yet (unreachable, or the block is not irreversible on them): tried again later. */
  | { ok: false; kind: 'short'; agreeing: string[]; missing: Array<{ node: string; why: string }> };

/**
 * No single node is trusted with money: a block holding an operation of the broker is applied only when `quorum`
 * distinct nodes return the same block for that number — the same id and the same broker operations (transaction
 * ids, positions, parties, amounts, memos) — each at or below its own irreversible head. A node could otherwise keep
 * the header (and so the id) of a real block and slip a transaction of its own into its list: the operations are
 * compared, not only the id. Empty blocks need no quorum (nothing in them moves money).
 */
export async function confirmByQuorum(p: {
  node: NodeClient;
  prepared: PreparedBlock;
  quorum: number;
  /** Prepares another node's block the same way the scanner prepared this one. */
  prepare: (block: RawBlock) => PreparedBlock;
}): Promise<QuorumVerdict> {
  const n = p.prepared.blockNum;
  const ours = fingerprint(p.prepared);
  const agreeing: string[] = [];
  const disagreeing: Array<{ node: string; says: string }> = [];
  const missing: Array<{ node: string; why: string }> = [];
  await Promise.all(
    p.node.nodeUrls().map(async (url) => {
      let answer: Awaited<ReturnType<NodeClient['askNode']>>;
      try {
        answer = await p.node.askNode(url, n);
      } catch (err) {
        missing.push({ node: url, why: (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 120) });
        return;
      }
      if (answer.lib < n) {
        missing.push({ node: url, why: `block ${n} is not irreversible there yet (its head is ${answer.lib})` });
        return;
      }
      if (answer.block === null) {
        disagreeing.push({ node: url, says: `it has no block ${n}` });
        return;
      }
      const fault = checkBlock(n, answer.block);
      if (fault) {
        disagreeing.push({ node: url, says: fault });
        return;
      }
      const theirs = fingerprint(p.prepare(answer.block));
      if (theirs === ours) agreeing.push(url);
      else
        disagreeing.push({
          node: url,
          says: `block ${n} is ${answer.block.blockId ?? answer.block.computedId} with other broker operations (${theirs.slice(0, 16)}… vs ${ours.slice(0, 16)}…)`,
        });
    }),
  );
  if (disagreeing.length > 0) return { ok: false, kind: 'disagreement', agreeing, disagreeing };
  if (agreeing.length < p.quorum) return { ok: false, kind: 'short', agreeing, missing };
  return { ok: true, agreeing };
}

/** What the quorum compares: the block's id and every broker operation in it, as the ledger would apply them. */
function fingerprint(b: PreparedBlock): string {
  const ops = b.ops.map((o) =>
    o.direction === 'in'
      ? ['in', o.trxInBlock, o.opInTrx, o.txId, o.fromId, o.amountSats.toString(), o.assetId, o.memoText]
      : ['out', o.trxInBlock, o.opInTrx, o.txId, o.toId, o.amountSats.toString(), o.assetId, o.ref],
  );
  return createHash('sha256')
    .update(JSON.stringify([b.blockNum, b.blockId ?? null, ops]))
    .digest('hex');
}
