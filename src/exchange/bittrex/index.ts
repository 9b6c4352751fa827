export { BittrexApiError } from './BittrexApiError.js';
export { buildWithdrawalBody, type NewWithdrawalParameters } from './buildWithdrawalBody.js';
export { classifyWithdrawalError, type WithdrawalOutcome } from './classifyWithdrawalError.js';
export { type BittrexClient, type BittrexClientOptions, createBittrexClient } from './createBittrexClient.js';
export { findWithdrawalByClientId } from './findWithdrawalByClientId.js';
export { CLOSED_WITHDRAWAL_STATUSES, OPEN_WITHDRAWAL_STATUSES, type Withdrawal } from './schemas.js';
export { EMPTY_CONTENT_HASH, signRequest } from './signRequest.js';
