import { createHash } from 'node:crypto';

/**
 * fc JSON for an `int64` (share_type: amounts, fees, balances, supplies): a number inside the int32 range,
 * a decimal string outside it. The node writes every reply with `json::stringify_large_ints_and_doubles`
 * (bitshares-fc src/rpc/websocket_api.cpp), which strings an int64 above INT32_MAX or below INT32_MIN
 * (src/io/json.cpp), so 25 000 BTS = 2 500 000 000 sats arrives as "2500000000".
 */
export function fcInt64(v: bigint | number): number | string {
  const b = typeof v === 'bigint' ? v : BigInt(v);
  return b >= -0x80000000n && b <= 0x7fffffffn ? Number(b) : b.toString();
}

/** fc JSON for a `uint64` (memo nonce, fee parameters): a number up to 0xffffffff, a decimal string above. */
export function fcUint64(v: bigint | number): number | string {
  const b = typeof v === 'bigint' ? v : BigInt(v);
  return b >= 0n && b <= 0xffffffffn ? Number(b) : b.toString();
}

/** fc time: UTC `YYYY-MM-DDTHH:MM:SS`, no fraction, no `Z`. */
export function fcTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Parses fc time (with or without `Z`) to unix seconds; NaN when invalid. */
export function parseFcTimeSec(s: unknown): number {
  if (typeof s !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z?$/.test(s)) return Number.NaN;
  return Date.parse(s.endsWith('Z') ? s : `${s}Z`) / 1000;
}

/** Reads an fc integer (number or decimal string) as bigint; null when it is not one. */
export function readInt(v: unknown): bigint | null {
  if (typeof v === 'number' && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === 'string' && /^-?\d{1,20}$/.test(v)) return BigInt(v);
  if (typeof v === 'bigint') return v;
  return null;
}

/** Hex of sha256 over the parts, for deterministic fake ids and signatures. */
export function hashHex(...parts: Array<string | number>): string {
  return createHash('sha256').update(parts.join('|')).digest('hex');
}

/** TaPoS prefix of a block id: bytes 4..8 read little-endian. */
export function refBlockPrefix(blockId: string): number {
  return Buffer.from(blockId, 'hex').readUInt32LE(4);
}
