import type { z } from 'zod';
import type { blockSchema } from './schemas.js';

/** A block as the node sent it, with the shape `blockSchema` describes. */
export type BlockJson = z.output<typeof blockSchema>;

const HEX40 = /^[0-9a-f]{40}$/;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown): boolean => typeof v === 'number' && Number.isInteger(v);
const isStringArray = (v: unknown): boolean => Array.isArray(v) && v.every((x) => typeof x === 'string');

/**
 * Checks a `get_block` / `get_blocks` element against exactly the rules of `blockSchema` (the zod schema stays the
 * definition; test/chain/nodeClient/readBlock.test.ts holds the two to the same answers), without copying it: the scan
 * reads every block of the chain, and zod's parse rebuilt each one (every transaction and operation), which was the
 * largest part of a block's CPU on the daemon side and most of its garbage.
 * @returns the block itself, typed, or null for null
 * @throws Error naming the first field that is not of its shape
 */
export function readBlock(raw: unknown): BlockJson | null {
  if (raw === null) return null;
  if (!isRecord(raw)) throw new Error('block: not an object');
  const b = raw;
  if (typeof b.previous !== 'string' || !HEX40.test(b.previous)) throw new Error('block.previous: not a block id');
  if (typeof b.timestamp !== 'string') throw new Error('block.timestamp: not a string');
  if (typeof b.witness !== 'string') throw new Error('block.witness: not a string');
  if (b.transaction_merkle_root !== undefined && typeof b.transaction_merkle_root !== 'string') {
    throw new Error('block.transaction_merkle_root: not a string');
  }
  if (b.extensions !== undefined && !Array.isArray(b.extensions)) throw new Error('block.extensions: not an array');
  if (b.witness_signature !== undefined && typeof b.witness_signature !== 'string')
    throw new Error('block.witness_signature: not a string');
  if (b.block_id !== undefined && (typeof b.block_id !== 'string' || !HEX40.test(b.block_id)))
    throw new Error('block.block_id: not a block id');
  if (b.transaction_ids !== undefined && !isStringArray(b.transaction_ids)) throw new Error('block.transaction_ids: not strings');
  if (!Array.isArray(b.transactions)) throw new Error('block.transactions: not an array');
  for (const [i, tx] of b.transactions.entries()) {
    if (!isRecord(tx)) throw new Error(`block.transactions[${i}]: not an object`);
    if (!isInt(tx.ref_block_num) || !isInt(tx.ref_block_prefix)) throw new Error(`block.transactions[${i}]: bad reference block`);
    if (typeof tx.expiration !== 'string') throw new Error(`block.transactions[${i}].expiration: not a string`);
    if (tx.signatures !== undefined && !isStringArray(tx.signatures)) throw new Error(`block.transactions[${i}].signatures: not strings`);
    if (tx.operation_results !== undefined && !Array.isArray(tx.operation_results)) {
      throw new Error(`block.transactions[${i}].operation_results: not an array`);
    }
    if (!Array.isArray(tx.operations)) throw new Error(`block.transactions[${i}].operations: not an array`);
    for (const op of tx.operations) {
      if (!Array.isArray(op) || op.length !== 2 || !isInt(op[0]) || (op[0] as number) < 0 || !isRecord(op[1])) {
        throw new Error(`block.transactions[${i}].operations: not [type, payload]`);
      }
    }
  }
  return b as BlockJson;
}
