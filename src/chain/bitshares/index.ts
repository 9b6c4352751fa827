/**
 * Offline chain adapter: keys (@scure/base, points checked with @noble/curves), memo crypto (node:crypto), transfer
 * build (bitsharesjs serializer) and sign (@noble/curves), tx ids, signature recovery.
 */
export { parseChainTimeSec } from './chainTime.js';
export { ensureBtsPrefix } from './init.js';
export {
  generateKeyPair,
  isNullPublicKey,
  isValidPublicKey,
  isValidWif,
  NULL_PUBLIC_KEY,
  publicKeyFromWif,
  samePublicKey,
  toBtsPublicKey,
} from './keys.js';
export type { ChainMemo, DecryptMemoResult, IncomingMemo } from './memo.js';
export { decryptMemo, decryptMemoWithKeys, encryptMemo, plainMemo } from './memo.js';
export { recoverSigners } from './signatures.js';
export type {
  AssetAmountJson,
  BuildSignedTransferParameters,
  BuildSignedTransferResult,
  BuildTransferOpParameters,
  SignedTransactionJson,
  TransferOpJson,
} from './transfer.js';
export { buildSignedTransfer, buildTransferOp } from './transfer.js';
export { packTransaction, transactionDigest, transactionId } from './txId.js';
