import { describeFcError, type FcErrorObject, fcErrorName, fcStackMessages } from './describeFcError.js';

/**
 * Why a node refused a broadcast, as the payout engine acts on it:
 * - `funds`: the broker's balance does not cover amount + fee;
 * - `fee`: the fee paid is below the node's fee schedule (a stale quote);
 * - `authority`: the signature does not satisfy the broker's active authority (a rail problem);
 * - `transient`: expired, expiring too far ahead, a TaPoS reference the node does not know, or a node that cannot
 *   broadcast: a transaction rebuilt later would pass;
 * - `payment`: caused by the payment itself (recipient unknown or not allowed to hold the asset, memo / transaction
 *   too large): the next rail would fail the same way;
 * - `other`: anything else.
 */
export type RefusalCause = 'funds' | 'fee' | 'authority' | 'transient' | 'payment' | 'other';

export type BroadcastRefusal =
  /** The node already holds this exact transaction (pool or block): it was sent. */
  | { kind: 'accepted'; fcName: string; reason: string }
  /** Definitely not taken. */
  | { kind: 'rejected'; fcName: string; reason: string; cause: RefusalCause };

/**
 * Exception types, by name (bitshares-core 7): graphene/protocol/exceptions.hpp (tx_* 40100xx) and
 * graphene/chain/exceptions.hpp (duplicate_transaction 3030001, transfer evaluate exceptions 30500xx).
 */
const BY_NAME: Record<string, RefusalCause | 'duplicate'> = {
  duplicate_transaction: 'duplicate',
  tx_missing_active_auth: 'authority',
  tx_missing_owner_auth: 'authority',
  tx_missing_other_auth: 'authority',
  tx_irrelevant_sig: 'authority',
  tx_duplicate_sig: 'authority',
  insufficient_fee: 'fee',
  transfer_to_account_not_whitelisted: 'payment',
  transfer_from_account_not_whitelisted: 'other',
  transfer_restricted_transfer_asset: 'other',
};

/**
 * The same by code, for a frame that names no type. 3030001 is left out: it is duplicate_transaction in
 * bitshares-core 7 but was tx_missing_active_auth in 2015 graphene, so only the name (or the text) decides it.
 */
const BY_CODE: Record<number, RefusalCause> = {
  4010001: 'authority',
  4010002: 'authority',
  4010003: 'authority',
  4010004: 'authority',
  4010005: 'authority',
  4010007: 'fee',
  3050002: 'payment',
};

/**
 * What an assertion says, in the order it is checked. The texts are the FC_ASSERT expressions and formats of
 * bitshares-core 7 (libraries/chain/db_block.cpp `_apply_transaction`, transfer_evaluator.cpp, db_balance.cpp,
 * db/include/graphene/db/index.hpp), plus the wording older nodes and the old simulator used.
 */
const ASSERT_RULES: Array<[RegExp, RefusalCause | 'duplicate']> = [
  // 2015 graphene checked duplicates with a bare FC_ASSERT over the by_trx_id index.
  [/is already in the database|duplicate transaction|by_trx_id/i, 'duplicate'],
  // transfer_evaluator "Insufficient Balance: ${balance}, unable to transfer …" and adjust_balance "… is less than required …"
  [/insufficient balance/i, 'funds'],
  // the recipient account does not exist: "Unable to find Object 1.2.x"
  [/unable to find object 1\.2\.\d+/i, 'payment'],
  // "trx.get_packed_size() <= chain_parameters.maximum_transaction_size: Transaction exceeds maximum transaction size."
  [/exceeds maximum transaction size|maximum_transaction_size/i, 'payment'],
  // "now <= trx.expiration", "trx.expiration <= now + chain_parameters.maximum_time_until_expiration",
  // "trx.ref_block_prefix == tapos_block_summary.block_id._hash[1].value()"
  [/expiration|tapos|ref_block/i, 'transient'],
  // network_broadcast_api: "Not connected to P2P network, can't broadcast!" (nothing was pushed)
  [/not connected to p2p network/i, 'transient'],
];

/**
 * Classifies a node's refusal of `broadcast_transaction` (the whole JSON-RPC `error` member, in either shape:
 * bitshares-core 7's `{code: <fc code>, message: "Execution error: …", data: {code, name, message: <short name>,
 * stack: [{context, format, data}]}}`, or the older `{code: 1, …}` one). Pure and total: any input gives an answer.
 * 1. the exception type by `data.name`, else by `data.code` (duplicate, authority, fee, whitelist);
 * 2. for an assert (`assert_exception`, code 10) or an error naming no type, the assertion text: every
 *    `data.stack[].format` filled with its `data`, and the top-level message; never `data.message` alone, which on
 *    a real node holds only "Assert Exception";
 * 3. anything else is `other`.
 * `reason` is bounded node text (see describeFcError).
 * @example classifyBroadcastRefusal(frame) // { kind: 'rejected', fcName: 'assert_exception', cause: 'funds', reason: … }
 */
export function classifyBroadcastRefusal(error: unknown): BroadcastRefusal {
  const err: FcErrorObject = typeof error === 'object' && error !== null ? (error as FcErrorObject) : { message: String(error) };
  const fcName = fcErrorName(err);
  const reason = describeFcError(err);
  const decide = (c: RefusalCause | 'duplicate'): BroadcastRefusal =>
    c === 'duplicate' ? { kind: 'accepted', fcName, reason } : { kind: 'rejected', fcName, reason, cause: c };

  const named = typeof err.data?.name === 'string' ? err.data.name : undefined;
  const code = typeof err.data?.code === 'number' ? err.data.code : typeof err.code === 'number' ? err.code : undefined;
  const byName = named === undefined ? undefined : BY_NAME[named];
  if (byName) return decide(byName);
  if (named === undefined && code !== undefined && BY_CODE[code]) return decide(BY_CODE[code]);

  const isAssert = named === 'assert_exception' || (named === undefined && (code === 10 || code === 1 || code === undefined));
  if (!isAssert && named !== undefined) return decide('other');
  const texts = [...fcStackMessages(err), ...rawFormats(err), typeof err.message === 'string' ? err.message.slice(0, 2_000) : ''];
  const text = texts.join('\n');
  for (const [re, cause] of ASSERT_RULES) if (re.test(text)) return decide(cause);
  return decide('other');
}

/** The formats as sent, unfilled (a placeholder's value may be missing from `data`). */
function rawFormats(err: FcErrorObject): string[] {
  const stack = err.data?.stack;
  if (!Array.isArray(stack)) return [];
  return stack.slice(0, 20).flatMap((e) => {
    const f = (e as { format?: unknown } | null)?.format;
    return typeof f === 'string' ? [f.slice(0, 1_000)] : [];
  });
}
