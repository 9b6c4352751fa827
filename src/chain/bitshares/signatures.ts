import { secp256k1 } from '@noble/curves/secp256k1.js';
import { isCanonicalSignature } from './isCanonicalSignature.js';
import { encodePublicKey } from './keys.js';
import { transactionDigest } from './txId.js';

/**
 * Recovers the public key behind every signature of a signed transaction.
 *
 * Mirrors the node (fc `public_key(compact_signature, digest, check_canonical)`): the header byte must be in
 * 27..34 and gives the recovery id as `(header − 27) & 3`; the signature must be canonical; the digest binds the
 * chain id (a signature made for another chain recovers to some unrelated key). One malformed or non-canonical
 * signature invalidates the whole transaction, so the result is then `[]`. Like the node, high-S is accepted.
 * Recovery is @noble/curves; the simulator checks the result against the sender's active authority.
 * @param signedTx - transaction JSON with `signatures: string[]` (hex, 65 bytes each)
 * @param chainId - 64 hex chars
 * @returns "BTS..." keys in signature order; `[]` for garbage. Never throws.
 */
export function recoverSigners(signedTx: unknown, chainId: string): string[] {
  try {
    const sigs = (signedTx as { signatures?: unknown }).signatures;
    if (!Array.isArray(sigs) || sigs.length === 0) return [];
    const digest = transactionDigest(signedTx, chainId);
    const out: string[] = [];
    for (const s of sigs) {
      if (typeof s !== 'string' || !/^[0-9a-fA-F]{130}$/.test(s)) return [];
      const buf = Buffer.from(s, 'hex');
      const header = buf[0] ?? 0;
      if (header < 27 || header >= 35 || !isCanonicalSignature(buf)) return [];
      const rec = Buffer.from(buf);
      rec[0] = (header - 27) & 3;
      out.push(encodePublicKey(secp256k1.recoverPublicKey(rec, digest, { prehash: false })));
    }
    return out;
  } catch {
    return [];
  }
}
