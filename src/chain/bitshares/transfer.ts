import { createHash } from 'node:crypto';
import { BTS_ASSET_ID } from '../../domain/money.js';
import { BaseError } from '../../errors/BaseError.js';
import { serializerOps } from './init.js';
import { keyMaterial } from './keys.js';
import type { ChainMemo } from './memo.js';
import { signCompact } from './signCompact.js';

/** `{amount, asset_id}` as the serializer emits it (amount as a decimal int64 string). */
export type AssetAmountJson = { amount: string; asset_id: string };

/** Transfer operation (op type 0) payload. */
export type TransferOpJson = {
  fee: AssetAmountJson;
  from: string;
  to: string;
  amount: AssetAmountJson;
  memo?: ChainMemo;
  extensions: unknown[];
};

/** Exactly the JSON a node accepts in `broadcast_transaction`. */
export type SignedTransactionJson = {
  ref_block_num: number;
  ref_block_prefix: number;
  /** "YYYY-MM-DDTHH:MM:SS", UTC, no `Z`. */
  expiration: string;
  operations: Array<[0, TransferOpJson]>;
  extensions: unknown[];
  /** 65-byte compact signatures, hex. */
  signatures: string[];
};

export type BuildTransferOpParameters = {
  /** Sender account id, "1.2.x". */
  from: string;
  /** Receiver account id, "1.2.y". */
  to: string;
  /** Satoshis of `assetId`; must be > 0. */
  amount: bigint;
  /** @default '1.3.0' */
  assetId?: string;
  /** Fee in satoshis of `feeAssetId`; ≥ 0. @default 0n (as `get_required_fees` wants it) */
  fee?: bigint;
  /** @default '1.3.0' */
  feeAssetId?: string;
  memo?: ChainMemo;
};

export type BuildSignedTransferParameters = BuildTransferOpParameters & {
  chainId: string;
  /** Active private key of `from` (secret; never logged). */
  activeWif: string;
  fee: bigint;
  /** From `get_dynamic_global_properties` (head_block_number). */
  headBlockNumber: number;
  /** From `get_dynamic_global_properties` (head_block_id, 40 hex). */
  headBlockId: string;
  /** Chain time (dgp.time) as unix seconds; never the local clock. */
  chainTimeSec: number;
  /** Seconds after chain time. @default 120 (max 86400, the node's maximum_time_until_expiration) */
  expiresInSec?: number;
};

export type BuildSignedTransferResult = {
  /** 40 hex: sha256(packed unsigned tx)[0..20]. Persist before broadcasting. */
  txId: string;
  /** Unix seconds. */
  expiration: number;
  signedTx: SignedTransactionJson;
};

const INT64_MAX = (1n << 63n) - 1n;
const ACCOUNT_ID = /^1\.2\.(0|[1-9][0-9]{0,15})$/;
const ASSET_ID = /^1\.3\.(0|[1-9][0-9]{0,15})$/;

function checkAmount(v: unknown, what: string, allowZero: boolean): string {
  if (typeof v !== 'bigint' || v < (allowZero ? 0n : 1n) || v > INT64_MAX) {
    throw new BaseError('INVALID_AMOUNT', `${what} must be a ${allowZero ? 'non-negative' : 'positive'} int64 bigint`, {
      metaMessages: [`${what}: ${typeof v === 'bigint' ? v.toString() : typeof v}`],
    });
  }
  return v.toString();
}

function checkId(v: unknown, re: RegExp, what: string): string {
  if (typeof v !== 'string' || !re.test(v)) {
    throw new BaseError('TX_INVALID', `${what} is not a valid object id`, { metaMessages: [`${what}: ${String(v).slice(0, 40)}`] });
  }
  return v;
}

/**
 * Builds the transfer operation JSON (op type 0), e.g. for `get_required_fees [[[0, op]], "1.3.0"]`.
 * Amounts are validated as bigint satoshis and passed as decimal strings (the bitsharesjs
 * serializer would silently truncate 1.5, accept -5, and overflow above 2^53).
 * @throws BaseError('INVALID_AMOUNT') for a non-positive or out-of-range amount or a negative fee;
 *         BaseError('TX_INVALID') for bad ids or from === to (the node refuses it)
 */
export function buildTransferOp(p: BuildTransferOpParameters): TransferOpJson {
  const from = checkId(p.from, ACCOUNT_ID, 'from');
  const to = checkId(p.to, ACCOUNT_ID, 'to');
  if (from === to) throw new BaseError('TX_INVALID', 'Transfer to the sending account itself', { metaMessages: [`account: ${from}`] });
  const op: TransferOpJson = {
    fee: { amount: checkAmount(p.fee ?? 0n, 'fee', true), asset_id: checkId(p.feeAssetId ?? BTS_ASSET_ID, ASSET_ID, 'feeAssetId') },
    from,
    to,
    amount: { amount: checkAmount(p.amount, 'amount', false), asset_id: checkId(p.assetId ?? BTS_ASSET_ID, ASSET_ID, 'assetId') },
    extensions: [],
  };
  if (p.memo !== undefined) {
    const { from: mf, to: mt, nonce, message } = p.memo;
    op.memo = { from: mf, to: mt, nonce: String(nonce), message };
  }
  return op;
}

/**
 * Builds and signs a transfer entirely offline (no network, no TransactionBuilder).
 *
 * 1. TaPoS: ref_block_num = head & 0xffff (0 is a valid value here: the "0 means unset" trap is in
 *    TransactionBuilder.finalize, which is not used), ref_block_prefix = head id bytes 4..8 LE.
 * 2. Expiration = chain time + expiresInSec.
 * 3. Serialize, id = sha256(packed)[0..20], sign sha256(chain id ‖ packed) with the active key.
 * @returns the id, the expiration (unix s) and the signed JSON to persist, then broadcast
 * @throws BaseError('INVALID_AMOUNT' | 'TX_INVALID' | 'KEY_INVALID')
 */
export function buildSignedTransfer(p: BuildSignedTransferParameters): BuildSignedTransferResult {
  const op = buildTransferOp(p);
  if (typeof p.chainId !== 'string' || !/^[0-9a-fA-F]{64}$/.test(p.chainId)) {
    throw new BaseError('TX_INVALID', 'Chain id must be 64 hex characters');
  }
  const head = p.headBlockNumber;
  if (!Number.isSafeInteger(head) || head < 1 || head > 0xffffffff) {
    throw new BaseError('TX_INVALID', 'Head block number out of range', { metaMessages: [`head: ${String(head)}`] });
  }
  if (typeof p.headBlockId !== 'string' || !/^[0-9a-fA-F]{40}$/.test(p.headBlockId)) {
    throw new BaseError('TX_INVALID', 'Head block id must be 40 hex characters');
  }
  const idBuf = Buffer.from(p.headBlockId, 'hex');
  // A block id starts with its block number (big-endian): catches a number/id from different reads.
  if (idBuf.readUInt32BE(0) !== head) {
    throw new BaseError('TX_INVALID', 'Head block id does not belong to the head block number', {
      metaMessages: [`head: ${head}`, `id: ${p.headBlockId}`],
    });
  }
  const expiresIn = p.expiresInSec ?? 120;
  if (!Number.isSafeInteger(expiresIn) || expiresIn < 1 || expiresIn > 86_400) {
    throw new BaseError('TX_INVALID', 'expiresInSec must be an integer in 1..86400');
  }
  if (!Number.isSafeInteger(p.chainTimeSec) || p.chainTimeSec < 0) {
    throw new BaseError('TX_INVALID', 'chainTimeSec must be unix seconds');
  }
  const expiration = p.chainTimeSec + expiresIn;
  if (expiration > 0xffffffff) throw new BaseError('TX_INVALID', 'Expiration beyond uint32 seconds');

  const key = keyMaterial(p.activeWif);
  const unsigned = {
    ref_block_num: head & 0xffff,
    ref_block_prefix: idBuf.readUInt32LE(4),
    expiration,
    operations: [[0, op]],
    extensions: [],
  };
  let packed: Buffer;
  let object: unknown;
  try {
    const ops = serializerOps();
    const tr = ops.transaction.fromObject(unsigned);
    packed = ops.transaction.toBuffer(tr);
    object = ops.transaction.toObject(tr);
  } catch (cause) {
    // Serializer messages name fields and public keys only; no secret is in scope of `unsigned`.
    throw new BaseError('TX_INVALID', 'Transfer cannot be serialized (check memo keys and nonce)', { cause });
  }
  const txId = createHash('sha256').update(packed).digest('hex').slice(0, 40);
  const message = Buffer.concat([Buffer.from(p.chainId, 'hex'), packed]);
  const sig = signCompact(message, createHash('sha256').update(message).digest(), key);
  const signedTx = { ...(object as Omit<SignedTransactionJson, 'signatures'>), signatures: [sig.toString('hex')] };
  return { txId, expiration, signedTx };
}
