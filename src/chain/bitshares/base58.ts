/** Bitcoin base58 alphabet, as used by BitShares WIF and public key strings. */
const ALPHABET = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
const INDEX = new Map([...ALPHABET].map((c, i) => [c, BigInt(i)] as const));

/**
 * Decodes base58 to bytes; `null` on any character outside the alphabet.
 * Exists so WIF validation never reaches bitsharesjs code that logs or asserts on bad input.
 */
export function base58Decode(s: string): Buffer | null {
  if (s.length === 0 || s.length > 200) return null;
  let n = 0n;
  for (const c of s) {
    const v = INDEX.get(c);
    if (v === undefined) return null;
    n = n * 58n + v;
  }
  let hex = n === 0n ? '' : n.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let zeros = 0;
  while (s[zeros] === '1') zeros++;
  return Buffer.concat([Buffer.alloc(zeros), Buffer.from(hex, 'hex')]);
}

/** Encodes bytes as base58 (leading zero bytes become '1'). */
export function base58Encode(buf: Buffer): string {
  let n = buf.length === 0 ? 0n : BigInt(`0x${buf.toString('hex')}`);
  let out = '';
  while (n > 0n) {
    out = ALPHABET[Number(n % 58n)] + out;
    n /= 58n;
  }
  let zeros = 0;
  while (zeros < buf.length && buf[zeros] === 0) zeros++;
  return '1'.repeat(zeros) + out;
}
