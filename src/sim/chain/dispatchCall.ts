// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fc message formats carry ${key} placeholders, filled from the data
import { acceptTransaction } from './acceptTransaction.js';
import type { ChainState } from './ChainState.js';
import { FcError, methodNotFound } from './FcError.js';
import { FC_EXCEPTIONS } from './fcExceptions.js';
import { fcInt64, fcUint64 } from './fcJson.js';
import { accountJson, assetJson, dgpJson, globalPropertiesJson } from './objects.js';

/**
 * Per-connection api registry, as bitshares-core's `application_impl::new_connection` builds it: the database api
 * is registered first (id 0), the login api second (id 1); each later `login_api` getter registers its api once
 * and returns its index, so `database` answers 0 and `network_broadcast`, `history`, `block` get 2, 3… in the order
 * asked.
 */
export type ConnectionApis = { list: string[] };

export function newConnectionApis(): ConnectionApis {
  return { list: ['database', 'login'] };
}

export type CallContext = {
  state: ChainState;
  apis: ConnectionApis;
  historyApi: boolean;
  /** The block api is granted (ChainSimOptions.blockApi). */
  blockApi?: boolean;
  /** Operation numbers the history api leaves out (ChainSimFaults.historyOmits). */
  historyOmits?: readonly number[];
  /** Sends a `notice` to this connection (broadcast_transaction_with_callback). */
  notice: (callbackId: unknown, payload: unknown) => void;
};

const DATABASE_METHODS = [
  'get_chain_id',
  'get_dynamic_global_properties',
  'get_global_properties',
  'get_objects',
  'get_block',
  'get_block_header',
  'get_account_by_name',
  'lookup_account_names',
  'get_accounts',
  'get_full_accounts',
  'lookup_asset_symbols',
  'get_assets',
  'get_account_balances',
  'get_required_fees',
  'get_recent_transaction_by_id',
  'get_transaction',
] as const;
const LOGIN_METHODS = ['login', 'database', 'network_broadcast', 'history', 'block'] as const;
const BROADCAST_METHODS = ['broadcast_transaction', 'broadcast_transaction_synchronous', 'broadcast_transaction_with_callback'] as const;
const HISTORY_METHODS = ['get_account_history', 'get_relative_account_history'] as const;
const BLOCK_METHODS = ['get_blocks'] as const;
const METHODS: Record<string, readonly string[]> = {
  database: DATABASE_METHODS,
  login: LOGIN_METHODS,
  network_broadcast: BROADCAST_METHODS,
  history: HISTORY_METHODS,
  block: BLOCK_METHODS,
};

const AT_API = { file: 'api.cpp', line: 291, method: 'history' };
const AT_BLOCK_API = { file: 'api.cpp', line: 232, method: 'block' };
const AT_GET_BLOCKS = { file: 'api.cpp', line: 123, method: 'get_blocks' };
/**
 * bitshares-core's get_blocks has no range limit of its own (only `block_num_to >= block_num_from`); a range this long
 * would only hang the test machine, so the simulator refuses it as a node would fail to answer it.
 */
const SIM_MAX_GET_BLOCKS = 100_000;
const AT_RECEIVE = { file: 'api_connection.hpp', line: 262, method: 'receive_call' };
const AT_ARGS = { file: 'api_connection.hpp', line: 169, method: 'call_generic' };
const AT_HISTORY = { file: 'api.cpp', line: 412, method: 'get_account_history' };
const AT_RELATIVE = { file: 'api.cpp', line: 559, method: 'get_relative_account_history' };
const AT_ACCOUNT = { file: 'database_api.cpp', line: 3064, method: 'get_account_from_string' };
const AT_PARSE = { file: 'string.cpp', line: 55, method: 'to_uint64' };
const AT_OBJECT_ID = { file: 'object_id.hpp', line: 200, method: 'from_variant' };

function dgp(state: ChainState): Record<string, unknown> {
  return dgpJson({
    head: state.head,
    headId: state.blockId(state.head),
    headTimeMs: state.headTimeMs,
    lib: state.lib,
    blockTimeMs: state.blockTimeMs,
  });
}

function accountOrNull(state: ChainState, key: unknown): Record<string, unknown> | null {
  const a = state.findAccount(key);
  return a ? accountJson(a) : null;
}

function balancesJson(state: ChainState, accountId: string, assetIds: unknown): Array<{ amount: number | string; asset_id: string }> {
  const ids = Array.isArray(assetIds) && assetIds.length > 0 ? assetIds.map(String) : [...state.allBalances(accountId).keys()];
  return ids.map((id) => ({ amount: fcInt64(state.balance(accountId, id)), asset_id: id }));
}

function objectJson(state: ChainState, id: unknown): unknown {
  if (id === '2.1.0') return dgp(state);
  if (id === '2.0.0') return globalProps(state);
  if (typeof id === 'string' && id.startsWith('1.2.')) return accountOrNull(state, id);
  if (typeof id === 'string' && id.startsWith('1.3.')) {
    const a = state.assets.get(id);
    return a ? assetJson(a) : null;
  }
  const op = typeof id === 'string' ? /^1\.11\.(\d+)$/.exec(id) : null;
  if (op) return state.opHistory.get(Number(op[1])) ?? null;
  return null;
}

function globalProps(state: ChainState): Record<string, unknown> {
  return globalPropertiesJson({
    transferFee: state.transferFee,
    pricePerKbyte: state.pricePerKbyte,
    blockTimeMs: state.blockTimeMs,
  });
}

function fullAccount(state: ChainState, key: unknown): unknown {
  const a = state.findAccount(key);
  if (!a) return null;
  const n = a.id.split('.')[2];
  const ops = state.accountHistory.get(a.id) ?? [];
  return {
    account: accountJson(a),
    statistics: {
      id: `2.6.${n}`,
      owner: a.id,
      name: a.name,
      most_recent_op: ops.length ? `2.9.${ops.at(-1)}` : '2.9.0',
      total_ops: fcUint64(ops.length),
      removed_ops: fcUint64(state.removedOpsOf(a.id)),
      total_core_in_orders: fcInt64(0n),
      core_in_balance: fcInt64(state.balance(a.id, '1.3.0')),
      has_cashback_vb: false,
      is_voting: false,
      last_vote_time: '1970-01-01T00:00:00',
      lifetime_fees_paid: fcInt64(state.feeStats.get(a.id)?.lifetime ?? 0n),
      pending_fees: fcInt64(state.feeStats.get(a.id)?.pending ?? 0n),
      pending_vested_fees: fcInt64(state.feeStats.get(a.id)?.pendingVested ?? 0n),
    },
    registrar_name: 'committee-account',
    referrer_name: 'committee-account',
    lifetime_referrer_name: 'committee-account',
    votes: [],
    balances: [...state.allBalances(a.id)].map(([asset, amount], i) => ({
      id: `2.5.${Number(n) * 10 + i}`,
      owner: a.id,
      asset_type: asset,
      balance: fcInt64(amount),
    })),
    vesting_balances: [],
    limit_orders: [],
    call_orders: [],
    settle_orders: [],
    proposals: [],
    assets: [],
    withdraws_from: [],
    withdraws_to: [],
    htlcs_from: [],
    htlcs_to: [],
    more_data_available: {},
  };
}

/** The reply to an included transaction (`broadcast_transaction_synchronous` and callbacks). */
function inclusionJson(txId: string, info: { blockNum: number; trxNum: number }, trx: unknown): unknown {
  return { id: txId, block_num: info.blockNum, trx_num: info.trxNum, trx };
}

/** fc reads a uint32/uint64 argument from a number or a decimal string ("5"); anything else fails to parse. */
function readUint(v: unknown): number {
  if (typeof v === 'number' && Number.isFinite(v)) {
    const n = Math.trunc(v);
    return n >= 0 ? n : 2 ** 32 + (n % 2 ** 32); // a negative int64 cast to uint32 wraps
  }
  if (typeof v === 'string' && /^\d{1,19}$/.test(v)) return Number(v);
  throw FcError.raise(FC_EXCEPTIONS.parse_error_exception, AT_PARSE, "Couldn't parse uint64_t");
}

/** An `operation_history_id_type` argument ("1.11.N"). */
function readOpId(v: unknown): number {
  const m = typeof v === 'string' ? /^1\.11\.(\d+)$/.exec(v) : null;
  if (!m) throw FcError.assert('type_id == TypeID', AT_OBJECT_ID, 'Invalid cast to operation_history_id_type', { id: v });
  return Number(m[1]);
}

function needArgs(params: unknown[], n: number): void {
  if (params.length < n) throw FcError.assert('a0 != e', AT_ARGS, 'too few arguments passed to method');
}

function history(state: ChainState, method: string, params: unknown[], omitted: readonly number[] = []): unknown {
  needArgs(params, 4);
  const relative = method === 'get_relative_account_history';
  const stop = relative ? readUint(params[1]) : readOpId(params[1]);
  const limit = readUint(params[2]);
  const start = relative ? readUint(params[3]) : readOpId(params[3]);
  if (limit > 100) {
    throw FcError.assert(
      'limit <= configured_limit',
      relative ? AT_RELATIVE : AT_HISTORY,
      'limit can not be greater than ${configured_limit}',
      {
        configured_limit: 100,
      },
    );
  }
  // An unknown account is an empty history, not an error (the lookup's exception is swallowed).
  const a = state.findAccount(params[0]);
  if (!a) return [];
  const omit = new Set(omitted);
  return relative ? state.relativeHistory(a.id, stop, limit, start, omit) : state.history(a.id, stop, limit, start, omit);
}

/** `block_api::get_blocks(from, to)`: every block from..to (both included), null where `fetch_block_by_number` has none. */
function getBlocks(state: ChainState, params: unknown[]): unknown[] {
  needArgs(params, 2);
  const from = readUint(params[0]);
  const to = readUint(params[1]);
  if (!(to >= from)) throw FcError.assert('block_num_to >= block_num_from', AT_GET_BLOCKS);
  if (to - from >= SIM_MAX_GET_BLOCKS) throw FcError.assert('simulator range limit', AT_GET_BLOCKS, 'range too long for the simulator');
  const out: unknown[] = [];
  for (let n = from; n <= to; n++) out.push(n > 0xffffffff ? null : state.signedBlock(n));
  return out;
}

/**
 * Answers one call on an api of this connection, as `api_connection::receive_call` does.
 * Returns the result (or a promise for calls that wait for a block).
 * @throws FcError in fc's shape; `method_not_found_exception` for an unknown method (the caller answers -32601)
 */
export function dispatchCall(ctx: CallContext, apiId: number, method: string, params: unknown[]): unknown {
  const { state, apis } = ctx;
  const api = apis.list[apiId];
  if (api === undefined) throw FcError.assert('_local_apis.size() > api_id', AT_RECEIVE);
  if (!METHODS[api]?.includes(method)) throw methodNotFound(method, METHODS[api] ?? []);
  const p = (i: number): unknown => params[i];

  if (api === 'login') {
    if (method === 'login') return true;
    if (method === 'history' && !ctx.historyApi) throw FcError.assert('is_allowed', AT_API, 'Access denied');
    if (method === 'block' && !ctx.blockApi) throw FcError.assert('is_allowed', AT_BLOCK_API, 'Access denied');
    const known = apis.list.indexOf(method);
    if (known >= 0) return known;
    apis.list.push(method);
    return apis.list.length - 1;
  }

  if (api === 'database') {
    switch (method) {
      case 'get_chain_id':
        return state.chainId;
      case 'get_dynamic_global_properties':
        return dgp(state);
      case 'get_global_properties':
        return globalProps(state);
      case 'get_objects':
        if (!Array.isArray(p(0))) throw FcError.assert('ids.is_array()', AT_ARGS);
        return (p(0) as unknown[]).map((id) => objectJson(state, id));
      case 'get_block': {
        needArgs(params, 1);
        const n = readUint(p(0));
        return n > 0xffffffff ? null : state.block(n);
      }
      case 'get_block_header': {
        // optional<block_header>: the unsigned header of the stored block (no witness_signature, no transactions).
        needArgs(params, 1);
        const n = readUint(p(0));
        const b = n > 0xffffffff ? null : state.signedBlock(n);
        if (!b) return null;
        const { previous, timestamp, witness, transaction_merkle_root, extensions } = b;
        return { previous, timestamp, witness, transaction_merkle_root, extensions };
      }
      case 'get_account_by_name':
        return accountOrNull(state, p(0));
      case 'lookup_account_names':
      case 'get_accounts':
        if (!Array.isArray(p(0))) throw FcError.assert('names.is_array()', AT_ARGS);
        return (p(0) as unknown[]).map((k) => accountOrNull(state, k));
      case 'get_full_accounts': {
        if (!Array.isArray(p(0))) throw FcError.assert('names.is_array()', AT_ARGS);
        const out: unknown[] = [];
        for (const k of p(0) as unknown[]) {
          const fa = fullAccount(state, k);
          if (fa) out.push([k, fa]);
        }
        return out;
      }
      // bitshares-core `get_assets(asset_symbols_or_ids, subscribe)`: each by symbol or id ("1.3.x"), null when unknown,
      // the same (extended) asset object as `lookup_asset_symbols`; the optional subscribe flag changes no answer.
      case 'get_assets':
      case 'lookup_asset_symbols':
        if (!Array.isArray(p(0))) throw FcError.assert('symbols.is_array()', AT_ARGS);
        return (p(0) as unknown[]).map((s) => {
          const a = state.findAsset(s);
          return a ? assetJson(a) : null;
        });
      case 'get_account_balances': {
        const a = state.findAccount(p(0));
        if (!a) throw FcError.assert('account_ptr', AT_ACCOUNT, 'no such account');
        return balancesJson(state, a.id, p(1));
      }
      case 'get_required_fees': {
        const ops = p(0);
        if (!Array.isArray(ops)) throw FcError.assert('ops.is_array()', AT_ARGS);
        if (p(1) !== '1.3.0') throw FcError.assert('asset_id == asset_id_type()', AT_ARGS, 'the simulator quotes fees in 1.3.0 only');
        return ops.map((op) => {
          if (!Array.isArray(op) || op[0] !== 0) throw FcError.assert('op.which() == 0', AT_ARGS, 'only transfer (0) fees are simulated');
          const memo = (op[1] as { memo?: unknown } | undefined)?.memo;
          return { amount: fcInt64(state.transferFeeFor(memo)), asset_id: '1.3.0' };
        });
      }
      case 'get_recent_transaction_by_id': {
        const k = state.known.get(String(p(0)));
        if (!k || k === 'pending') return null;
        return k.expirationSec > Math.floor(state.headTimeMs / 1000) ? k.tx : null;
      }
      case 'get_transaction': {
        const b = state.block(readUint(p(0)));
        const txs = (b?.transactions as unknown[] | undefined) ?? [];
        const tx = txs[readUint(p(1))];
        if (!tx) throw FcError.assert('opt_trx', AT_ARGS, 'transaction not found');
        return tx;
      }
    }
  }

  if (api === 'network_broadcast') {
    switch (method) {
      case 'broadcast_transaction':
        acceptTransaction(state, p(0));
        return null;
      case 'broadcast_transaction_synchronous': {
        const pending = acceptTransaction(state, p(0));
        return new Promise((resolve) => {
          pending.onIncluded.push((info) => resolve(inclusionJson(pending.txId, info, pending.tx)));
        });
      }
      case 'broadcast_transaction_with_callback': {
        const cb = p(0);
        const pending = acceptTransaction(state, p(1));
        pending.onIncluded.push((info) => ctx.notice(cb, [inclusionJson(pending.txId, info, pending.tx)]));
        return null;
      }
    }
  }

  if (api === 'history') return history(state, method, params, ctx.historyOmits);
  if (api === 'block') return getBlocks(state, params);
  throw methodNotFound(method, METHODS[api] ?? []);
}
