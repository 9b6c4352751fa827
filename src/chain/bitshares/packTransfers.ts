import { parsePublicKey } from './keys.js';

/**
 * Packs a transaction whose operations are all transfers (op 0), the only kind the broker's ledger is made of, as
 * bitshares-core's fc::raw::pack does (transaction: ref_block_num u16, ref_block_prefix u32, expiration u32,
 * operations as varint count + (varint tag, fields), extensions; transfer_operation: fee, from, to, amount, optional
 * memo_data {from, to, nonce u64, message bytes}, extensions). All little-endian; object ids as the varint of their
 * instance.
 *
 * Why not bitsharesjs's serializer alone: it rebuilds every public key as a curve point through a pure-JS bignum
 * (~2 ms a transaction), which made tx ids the largest cost of a history catch-up. Here a memo key is read through
 * the project's cached key parser (on-curve checked). Anything outside the plain shape below (another operation,
 * a non-empty extension, a key of another prefix, a field of the wrong type or range) returns `undefined` and is
 * left to bitsharesjs, so ids never differ between the two; test/chain/packTransfers.test.ts compares them.
 * @returns the packed bytes, or undefined when the transaction is not a plain all-transfer one
 */
export function packTransfers(tx: unknown): Buffer | undefined {
  if (typeof tx !== 'object' || tx === null) return undefined;
  const t = tx as Record<string, unknown>;
  const out = new Writer();
  if (!out.uint(t.ref_block_num, 2) || !out.uint(t.ref_block_prefix, 4) || !out.time(t.expiration)) return undefined;
  const operations = t.operations;
  if (!Array.isArray(operations) || operations.length === 0 || !emptyList(t.extensions)) return undefined;
  out.varint(operations.length);
  for (const op of operations) {
    if (!Array.isArray(op) || op.length !== 2 || op[0] !== 0) return undefined;
    out.varint(0);
    if (!packTransferOp(out, op[1])) return undefined;
  }
  out.varint(0); // transaction extensions (checked empty)
  return out.bytes();
}

function packTransferOp(out: Writer, op: unknown): boolean {
  if (typeof op !== 'object' || op === null) return false;
  const o = op as Record<string, unknown>;
  if (!out.asset(o.fee) || !out.objectId(o.from, '1.2.') || !out.objectId(o.to, '1.2.') || !out.asset(o.amount)) return false;
  if (o.memo === undefined) out.byte(0);
  else {
    if (typeof o.memo !== 'object' || o.memo === null) return false;
    const m = o.memo as Record<string, unknown>;
    out.byte(1);
    if (!out.publicKey(m.from) || !out.publicKey(m.to) || !out.uint64(m.nonce) || !out.hexBytes(m.message)) return false;
  }
  if (!emptyList(o.extensions)) return false;
  out.varint(0);
  return true;
}

const emptyList = (v: unknown): boolean => Array.isArray(v) && v.length === 0;

const UINT64_MAX = 2n ** 64n - 1n;
const INT64_MAX = 2n ** 63n - 1n;
const ISO_SECONDS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;

/** A growing byte buffer whose writers answer false for a value they refuse (the caller then falls back). */
class Writer {
  private readonly parts: Buffer[] = [];

  bytes(): Buffer {
    return Buffer.concat(this.parts);
  }

  byte(b: number): void {
    this.parts.push(Buffer.of(b));
  }

  /** fc's unsigned_int: 7 bits a byte, low first, high bit = more. */
  varint(n: number): void {
    const out: number[] = [];
    let v = n;
    do {
      let b = v & 0x7f;
      v = Math.floor(v / 128);
      if (v > 0) b |= 0x80;
      out.push(b);
    } while (v > 0);
    this.parts.push(Buffer.from(out));
  }

  uint(v: unknown, size: 2 | 4): boolean {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= 2 ** (8 * size)) return false;
    const b = Buffer.alloc(size);
    if (size === 2) b.writeUInt16LE(v);
    else b.writeUInt32LE(v);
    this.parts.push(b);
    return true;
  }

  /** time_point_sec: "YYYY-MM-DDTHH:MM:SS" (UTC, as fc writes it) → u32 seconds. */
  time(v: unknown): boolean {
    if (typeof v !== 'string' || !ISO_SECONDS.test(v)) return false;
    const ms = Date.parse(`${v}Z`);
    return Number.isFinite(ms) && this.uint(ms / 1000, 4);
  }

  /** An int64 or uint64 as fc's JSON gives it: a number when small, a decimal string when large. */
  private integer(v: unknown, min: bigint, max: bigint): bigint | undefined {
    let n: bigint;
    if (typeof v === 'number' && Number.isSafeInteger(v)) n = BigInt(v);
    else if (typeof v === 'string' && /^(0|[1-9][0-9]{0,19})$/.test(v)) n = BigInt(v);
    else return undefined;
    return n >= min && n <= max ? n : undefined;
  }

  uint64(v: unknown): boolean {
    const n = this.integer(v, 0n, UINT64_MAX);
    if (n === undefined) return false;
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(n);
    this.parts.push(b);
    return true;
  }

  /** asset {amount: int64 (non-negative here), asset_id: "1.3.n"}. */
  asset(v: unknown): boolean {
    if (typeof v !== 'object' || v === null) return false;
    const a = v as Record<string, unknown>;
    const n = this.integer(a.amount, 0n, INT64_MAX);
    if (n === undefined) return false;
    const b = Buffer.alloc(8);
    b.writeBigInt64LE(n);
    this.parts.push(b);
    return this.objectId(a.asset_id, '1.3.');
  }

  objectId(v: unknown, space: '1.2.' | '1.3.'): boolean {
    if (typeof v !== 'string' || !v.startsWith(space)) return false;
    const instance = v.slice(space.length);
    if (!/^(0|[1-9][0-9]{0,14})$/.test(instance)) return false;
    const n = Number(instance);
    if (!Number.isSafeInteger(n)) return false;
    this.varint(n);
    return true;
  }

  /** public_key_type: the 33 bytes of a BTS key (the null key is 33 zero bytes). */
  publicKey(v: unknown): boolean {
    if (typeof v !== 'string' || !v.startsWith('BTS')) return false;
    const key = parsePublicKey(v);
    if (key === null) return false;
    this.parts.push(key === 'null' ? Buffer.alloc(33) : key);
    return true;
  }

  /** vector<char> from hex: varint length, then the bytes. */
  hexBytes(v: unknown): boolean {
    if (typeof v !== 'string' || v.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(v)) return false;
    const b = Buffer.from(v, 'hex');
    this.varint(b.length);
    this.parts.push(b);
    return true;
  }
}
