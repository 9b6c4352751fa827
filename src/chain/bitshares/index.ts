/** bitsharesjs offline adapter: keys, memo crypto, transfer build/sign, tx ids, signature recovery. */
export { parseChainTimeSec } from './chainTime.js';
export { ensureBtsPrefix } from './init.js';
export {
  NULL_PUBLIC_KEY,
  generateKeyPair,
  isNullPublicKey,
  isValidPublicKey,
  isValidWif,
  publicKeyFromWif,
  samePublicKey,
  toBtsPublicKey,
} from './keys.js';
export { decryptMemo, encryptMemo, plainMemo } from './memo.js';
export type { ChainMemo, DecryptMemoResult, IncomingMemo } from './memo.js';
export { recoverSigners } from './signatures.js';
export { buildSignedTransfer, buildTransferOp } from './transfer.js';
export type {
  AssetAmountJson,
  BuildSignedTransferParameters,
  BuildSignedTransferResult,
  BuildTransferOpParameters,
  SignedTransactionJson,
  TransferOpJson,
} from './transfer.js';
export { packTransaction, transactionDigest, transactionId } from './txId.js';
