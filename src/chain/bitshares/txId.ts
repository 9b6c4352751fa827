import { createHash } from 'node:crypto';
import { serializerOps } from './init.js';
import { packTransfers } from './packTransfers.js';

/**
 * Packs a transaction (JSON as the node returns it) without its signatures; `null` when the
 * serializer cannot (ops 75-77 are unknown to bitsharesjs 6.0.3, non-BTS key prefixes, garbage).
 * A plain all-transfer transaction is packed here (packTransfers); anything else by bitsharesjs.
 */
export function packTransaction(tx: unknown): Buffer | null {
  if (typeof tx !== 'object' || tx === null) return null;
  return packTransfers(tx) ?? packBySerializer(tx);
}

/** bitsharesjs's packing of any operation it knows; `null` when it cannot. Exported for the test comparing the two. */
export function packBySerializer(tx: unknown): Buffer | null {
  if (typeof tx !== 'object' || tx === null) return null;
  try {
    const ops = serializerOps();
    // `ops.transaction` has no `signatures` field, so they are ignored here.
    return ops.transaction.toBuffer(ops.transaction.fromObject(tx));
  } catch {
    return null;
  }
}

/**
 * Transaction id: first 20 bytes (40 hex) of sha256(packed transaction without signatures).
 * Known before broadcast; a rebuilt transaction (new nonce or expiration) has a new id.
 * @param tx - transaction JSON (signed or not)
 * @returns 40 hex chars, or `null` when the transaction cannot be serialized. Never throws.
 */
export function transactionId(tx: unknown): string | null {
  const packed = packTransaction(tx);
  return packed ? createHash('sha256').update(packed).digest('hex').slice(0, 40) : null;
}

/**
 * The digest every signature signs: sha256(chain id bytes ‖ packed transaction without signatures).
 * @param chainId - 64 hex chars (mainnet 4018d784…)
 * @throws Error when the chain id is not 32 bytes of hex or the transaction cannot be serialized
 */
export function transactionDigest(tx: unknown, chainId: string): Buffer {
  if (!/^[0-9a-fA-F]{64}$/.test(chainId)) throw new Error('chain id must be 64 hex characters');
  const packed = packTransaction(tx);
  if (!packed) throw new Error('transaction cannot be serialized');
  return createHash('sha256').update(Buffer.from(chainId, 'hex')).update(packed).digest();
}
