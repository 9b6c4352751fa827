import { Signature } from 'bitsharesjs';
import { ensureBtsPrefix } from './init.js';
import { transactionDigest } from './txId.js';

/**
 * fc's `is_canonical` for a 65-byte compact signature: the node refuses any other form, so a
 * simulator that verifies through this function must refuse it too.
 */
function isCanonical(c: Buffer): boolean {
  const b = (i: number) => c[i] ?? 0;
  return !(b(1) & 0x80) && !(b(1) === 0 && !(b(2) & 0x80)) && !(b(33) & 0x80) && !(b(33) === 0 && !(b(34) & 0x80));
}

/**
 * Recovers the public key behind every signature of a signed transaction.
 *
 * Mirrors the node: the digest binds the chain id (a signature made for another chain recovers
 * to some unrelated key), and one malformed or non-canonical signature invalidates the whole
 * transaction, so the result is then `[]`. The simulator checks the result against the sender's
 * active authority.
 * @param signedTx - transaction JSON with `signatures: string[]` (hex, 65 bytes each)
 * @param chainId - 64 hex chars
 * @returns "BTS..." keys in signature order; `[]` for garbage. Never throws.
 */
export function recoverSigners(signedTx: unknown, chainId: string): string[] {
  try {
    ensureBtsPrefix();
    const sigs = (signedTx as { signatures?: unknown }).signatures;
    if (!Array.isArray(sigs) || sigs.length === 0) return [];
    const digest = transactionDigest(signedTx, chainId);
    const out: string[] = [];
    for (const s of sigs) {
      if (typeof s !== 'string' || !/^[0-9a-fA-F]{130}$/.test(s)) return [];
      const buf = Buffer.from(s, 'hex');
      if (!isCanonical(buf)) return [];
      const pub = Signature.fromBuffer(buf).recoverPublicKey(digest);
      if (pub.Q === null) return [];
      out.push(pub.toPublicKeyString('BTS'));
    }
    return out;
  } catch {
    return [];
  }
}
