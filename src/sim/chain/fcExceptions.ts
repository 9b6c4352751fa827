/**
 * The fc exception types the simulated node throws, with bitshares-core 7's codes and `what()` texts:
 * - graphene/protocol/exceptions.hpp + libraries/protocol/small_ops.cpp:40-52 (tx_missing_active_auth 4010001,
 *   insufficient_fee 4010007);
 * - graphene/chain/exceptions.hpp + libraries/chain/exceptions.cpp (duplicate_transaction 3030001 under
 *   transaction_process_exception 3030000; transfer op evaluate exceptions 3050000 + 100 × op tag + n);
 * - bitshares-fc include/fc/exception/exception.hpp + src/exception.cpp (assert 10, parse error 4, method not found 22).
 * The old graphene code 3030001 for a missing authority (2015) is duplicate_transaction in bitshares-core 7.
 */
export const FC_EXCEPTIONS = {
  tx_missing_active_auth: { name: 'tx_missing_active_auth', code: 4010001, what: 'missing required active authority' },
  insufficient_fee: { name: 'insufficient_fee', code: 4010007, what: 'insufficient fee' },
  duplicate_transaction: { name: 'duplicate_transaction', code: 3030001, what: 'duplicate transaction' },
  transfer_to_account_not_whitelisted: { name: 'transfer_to_account_not_whitelisted', code: 3050002, what: 'owner mismatch' },
  parse_error_exception: { name: 'parse_error_exception', code: 4, what: 'Parse Error' },
} as const;
