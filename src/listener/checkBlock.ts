import { blockNumFromId } from '../chain/bitshares/blockId.js';
import type { RawBlock } from '../chain/nodeClient/index.js';

/**
 * Is this the block that was asked for? A node that answers `get_block(18)` with block 19 would make one transaction
 * apply under two block numbers (and a refund pay twice). Checked on every block, before anything is read from it:
 * 1. the block number inside the id the node gives (its first 4 bytes) is the number asked for;
 * 2. that id is the one its header hashes to (bitshares-core's rule), when the header can be packed here;
 * 3. `previous` names the block before it.
 * The link to the block actually applied before it is checked in order by the scanner (`previous` = last id).
 * @returns a one-line fault, or null when the block is consistent
 */
export function checkBlock(blockNum: number, block: RawBlock): string | null {
  if (block.blockId !== undefined && blockNumFromId(block.blockId) !== blockNum) {
    return `its id ${block.blockId} is block ${blockNumFromId(block.blockId)}, not ${blockNum}`;
  }
  if (block.blockId !== undefined && block.computedId !== null && block.computedId !== block.blockId) {
    return `its id ${block.blockId} is not the hash of its header (${block.computedId})`;
  }
  const prev = blockNumFromId(block.previous);
  if (prev !== blockNum - 1) return `its previous ${block.previous} names block ${prev}, not ${blockNum - 1}`;
  return null;
}

/** The id a block is known by: the node's, else the one its header hashes to (null when neither is available). */
export function idOf(block: RawBlock): string | null {
  return block.blockId ?? block.computedId;
}
