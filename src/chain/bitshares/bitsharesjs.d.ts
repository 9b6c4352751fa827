/**
 * Narrow hand-written types for the parts of bitsharesjs / bitsharesjs-ws that stakebts uses.
 * Neither package ships typings (and no @types exist). Keep this list minimal: anything not
 * declared here is deliberately unused (no Apis, Manager, ChainStore, broadcast, set_required_fees).
 * The daemon uses only the serializer (`ops`) and `ChainConfig`; keys, signatures and memos are @noble/curves,
 * @scure/base and node:crypto. PrivateKey, PublicKey, Signature, Aes and TransactionHelper stay declared for the
 * tests and benchmarks that cross-check against bitsharesjs.
 */
declare module 'bitsharesjs' {
  /** An elliptic-curve point (ecurve); opaque here. `null` for the null public key. */
  export type EcPoint = { readonly compressed: boolean };

  export class PublicKey {
    /** `null` for the all-zero null key (plain memos). */
    readonly Q: EcPoint | null;
    static fromBuffer(buf: Buffer): PublicKey;
    /** Returns `null` for invalid input (wrong prefix, bad checksum, not a point). */
    static fromPublicKeyString(pub: string, prefix?: string): PublicKey | null;
    toBuffer(compressed?: boolean): Buffer;
    toPublicKeyString(prefix?: string): string;
  }

  export class PrivateKey {
    static fromWif(wif: string): PrivateKey;
    static fromSeed(seed: string): PrivateKey;
    static fromBuffer(buf: Buffer): PrivateKey;
    toWif(): string;
    toBuffer(): Buffer;
    toPublicKey(): PublicKey;
    /** sha512 of the ECDH x coordinate (legacy: without zero padding). */
    get_shared_secret(pub: PublicKey | string, legacy?: boolean): Buffer;
  }

  export class Signature {
    static fromBuffer(buf: Buffer): Signature;
    /** Signs sha256(buf). Slow (~150 ms): deterministic nonce, canonical search. */
    static signBuffer(buf: Buffer, key: PrivateKey): Signature;
    toBuffer(): Buffer;
    /** Recovers the signer from a 32-byte digest. */
    recoverPublicKey(sha256Digest: Buffer): PublicKey;
  }

  export const Aes: {
    encrypt_with_checksum(priv: PrivateKey, pub: PublicKey | string, nonce: string, message: Buffer | string): Buffer;
    decrypt_with_checksum(priv: PrivateKey, pub: PublicKey | string, nonce: string, message: Buffer | string, legacy?: boolean): Buffer;
  };

  export const TransactionHelper: {
    /** Decimal string, about `Date.now() << 8 | entropy`. */
    unique_nonce_uint64(): string;
  };

  /** A bitsharesjs serializer (`ops.transaction`, `ops.signed_transaction`, ...). */
  export type Serializer = {
    fromObject(obj: unknown): unknown;
    toObject(obj: unknown): unknown;
    toBuffer(obj: unknown): Buffer;
  };

  export const ops: {
    readonly transaction: Serializer;
    readonly signed_transaction: Serializer;
    readonly transfer: Serializer;
    readonly memo_data: Serializer;
  };

  export const hash: {
    sha256(data: Buffer | string): Buffer;
    sha512(data: Buffer | string): Buffer;
  };
}

declare module 'bitsharesjs-ws' {
  /** Mutable module-level config; `address_prefix` defaults to "CBA". */
  export type ChainConfigType = {
    address_prefix: string;
    setPrefix(prefix?: string): string;
  };
  // CJS package: under Node ESM only the default export is reliable (named ChainConfig import fails).
  const bitsharesWs: { ChainConfig: ChainConfigType };
  export default bitsharesWs;
}
