import { createHash } from 'node:crypto';

/** The fields of a block that its id hashes (bitshares-core `signed_block_header`). */
export type BlockHeaderJson = {
  previous: unknown;
  timestamp: unknown;
  witness: unknown;
  transaction_merkle_root: unknown;
  extensions: unknown;
  witness_signature: unknown;
};

const HEX20 = /^[0-9a-f]{40}$/;
const HEX65 = /^[0-9a-f]{130}$/;

/** Block number a block id carries in its first 4 bytes (big-endian), or null for anything that is not an id. */
export function blockNumFromId(id: unknown): number | null {
  return typeof id === 'string' && HEX20.test(id) ? Number.parseInt(id.slice(0, 8), 16) : null;
}

/**
 * A block's id as bitshares-core computes it (`signed_block_header::id()`): sha224 over the packed signed header
 * (previous ‖ timestamp as uint32 LE ‖ witness instance as varint ‖ merkle root ‖ extensions ‖ witness signature),
 * with its first 4 bytes replaced by the block number (previous's number + 1), cut to 20 bytes.
 * So a node cannot hand out a block under another number or with another `previous` without its id changing.
 * @returns 40 hex chars, or null when the header cannot be packed here (unknown header extensions, bad fields)
 */
export function computeBlockId(h: BlockHeaderJson): string | null {
  const prevNum = blockNumFromId(h.previous);
  if (prevNum === null) return null;
  const time = typeof h.timestamp === 'string' ? Date.parse(h.timestamp.endsWith('Z') ? h.timestamp : `${h.timestamp}Z`) : Number.NaN;
  const witness = typeof h.witness === 'string' ? /^1\.6\.(\d+)$/.exec(h.witness) : null;
  // Header extensions are empty on every BitShares block to date; a non-empty set has no packing here.
  if (!Number.isFinite(time) || !witness || !Array.isArray(h.extensions) || h.extensions.length !== 0) return null;
  if (typeof h.transaction_merkle_root !== 'string' || !HEX20.test(h.transaction_merkle_root)) return null;
  if (typeof h.witness_signature !== 'string' || !HEX65.test(h.witness_signature)) return null;
  const timestamp = Buffer.alloc(4);
  timestamp.writeUInt32LE(time / 1000);
  const packed = Buffer.concat([
    Buffer.from(h.previous as string, 'hex'),
    timestamp,
    varint(BigInt(witness[1]!)),
    Buffer.from(h.transaction_merkle_root, 'hex'),
    varint(0n),
    Buffer.from(h.witness_signature, 'hex'),
  ]);
  const digest = createHash('sha224').update(packed).digest();
  digest.writeUInt32BE((prevNum + 1) >>> 0, 0);
  return digest.subarray(0, 20).toString('hex');
}

/** fc's unsigned_int: 7 bits per byte, low first, high bit = more. */
function varint(v: bigint): Buffer {
  const out: number[] = [];
  let n = v;
  do {
    let b = Number(n & 0x7fn);
    n >>= 7n;
    if (n > 0n) b |= 0x80;
    out.push(b);
  } while (n > 0n);
  return Buffer.from(out);
}
