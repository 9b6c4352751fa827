/**
 * fc's `public_key::is_canonical` for a 65-byte compact signature (header ‖ r ‖ s): r and s each use all 32 bytes
 * and have the top bit clear, i.e. each is exactly 32 bytes in DER without a padding byte (bitsharesjs checks
 * the same through the DER lengths). Every node refuses any other form, so the signer loops until it holds,
 * and a simulator that verifies through this function refuses it too.
 */
export function isCanonicalSignature(c: Uint8Array): boolean {
  if (c.length !== 65) return false;
  const b = (i: number) => c[i] ?? 0;
  return !(b(1) & 0x80) && !(b(1) === 0 && !(b(2) & 0x80)) && !(b(33) & 0x80) && !(b(33) === 0 && !(b(34) & 0x80));
}
