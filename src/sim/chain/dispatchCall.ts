import { acceptTransaction } from './acceptTransaction.js';
import type { ChainState } from './ChainState.js';
import { FcError, METHOD_NOT_FOUND } from './FcError.js';
import { fcInt } from './fcJson.js';
import { accountJson, assetJson, dgpJson, globalPropertiesJson } from './objects.js';

/** Per-connection api registry: ids are handed out by login, in the order asked (database → 2, …). */
export type ConnectionApis = {
  byId: Map<number, string>;
  byName: Map<string, number>;
};

export type CallContext = {
  state: ChainState;
  apis: ConnectionApis;
  disableHistoryApi: boolean;
  /** Sends a `notice` to this connection (broadcast_transaction_with_callback). */
  notice: (callbackId: unknown, payload: unknown) => void;
};

/** Thrown for an unknown method or api: answered as JSON-RPC -32601 without fc data. */
export class MethodNotFound extends Error {
  readonly json = METHOD_NOT_FOUND;
}

const LOGIN_APIS = ['database', 'network_broadcast', 'history'] as const;

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
  return ids.map((id) => ({
    amount: fcInt(state.balance(accountId, id)),
    asset_id: id,
  }));
}

function objectJson(state: ChainState, id: unknown): unknown {
  if (id === '2.1.0') return dgp(state);
  if (id === '2.0.0') return globalProps(state);
  if (typeof id === 'string' && id.startsWith('1.2.')) return accountOrNull(state, id);
  if (typeof id === 'string' && id.startsWith('1.3.')) {
    const a = state.assets.get(id);
    return a ? assetJson(a) : null;
  }
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
  return {
    account: accountJson(a),
    statistics: {
      id: `2.6.${n}`,
      owner: a.id,
      name: a.name,
      most_recent_op: '2.9.0',
      total_ops: 0,
      removed_ops: 0,
    },
    registrar_name: 'committee-account',
    referrer_name: 'committee-account',
    lifetime_referrer_name: 'committee-account',
    votes: [],
    balances: [...state.allBalances(a.id)].map(([asset, amount], i) => ({
      id: `2.5.${Number(n) * 10 + i}`,
      owner: a.id,
      asset_type: asset,
      balance: fcInt(amount),
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

function historyOpNum(v: unknown): number {
  const m = typeof v === 'string' ? /^1\.11\.(\d+)$/.exec(v) : null;
  if (!m) throw FcError.assert('invalid operation history id');
  return Number(m[1]);
}

/**
 * Answers one `call` as a node does. Returns the result (or a promise for calls that wait for a block).
 * @throws FcError (fc-shaped error reply) or MethodNotFound (-32601)
 */
export function dispatchCall(ctx: CallContext, apiId: unknown, method: string, params: unknown[]): unknown {
  const { state, apis } = ctx;
  const api = apiId === 1 ? 'login' : typeof apiId === 'number' ? apis.byId.get(apiId) : undefined;
  if (api === undefined) throw new MethodNotFound();
  const p = (i: number): unknown => params[i];

  if (api === 'login') {
    if (method === 'login') return true;
    if ((LOGIN_APIS as readonly string[]).includes(method)) {
      if (method === 'history' && ctx.disableHistoryApi) throw FcError.assert('_history_api.valid(): History API is not enabled');
      let id = apis.byName.get(method);
      if (id === undefined) {
        id = apis.byId.size + 2;
        apis.byId.set(id, method);
        apis.byName.set(method, id);
      }
      return id;
    }
    throw new MethodNotFound();
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
        if (!Array.isArray(p(0))) throw FcError.assert('ids must be an array');
        return (p(0) as unknown[]).map((id) => objectJson(state, id));
      case 'get_block': {
        const n = p(0);
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0 || n > 0xffffffff) throw FcError.assert('invalid block number');
        return state.block(n);
      }
      case 'get_account_by_name':
        return accountOrNull(state, p(0));
      case 'lookup_account_names':
      case 'get_accounts':
        if (!Array.isArray(p(0))) throw FcError.assert('expected an array of names or ids');
        return (p(0) as unknown[]).map((k) => accountOrNull(state, k));
      case 'get_full_accounts': {
        if (!Array.isArray(p(0))) throw FcError.assert('expected an array of names or ids');
        const out: unknown[] = [];
        for (const k of p(0) as unknown[]) {
          const fa = fullAccount(state, k);
          if (fa) out.push([k, fa]);
        }
        return out;
      }
      case 'lookup_asset_symbols':
        if (!Array.isArray(p(0))) throw FcError.assert('expected an array of symbols or ids');
        return (p(0) as unknown[]).map((s) => {
          const a = state.findAsset(s);
          return a ? assetJson(a) : null;
        });
      case 'get_account_balances': {
        const a = state.findAccount(p(0));
        if (!a) throw FcError.assert(`Account ${String(p(0))} not found`);
        return balancesJson(state, a.id, p(1));
      }
      case 'get_required_fees': {
        const ops = p(0);
        if (!Array.isArray(ops)) throw FcError.assert('ops must be an array');
        if (p(1) !== '1.3.0') throw FcError.assert('the simulator quotes fees in 1.3.0 only');
        return ops.map((op) => {
          if (!Array.isArray(op) || op[0] !== 0) throw FcError.assert('only transfer (0) fees are simulated');
          const memo = (op[1] as { memo?: unknown } | undefined)?.memo;
          return {
            amount: fcInt(state.transferFeeFor(memo)),
            asset_id: '1.3.0',
          };
        });
      }
      case 'get_recent_transaction_by_id': {
        const k = state.known.get(String(p(0)));
        if (!k || k === 'pending') return null;
        return k.expirationSec > Math.floor(state.headTimeMs / 1000) ? k.tx : null;
      }
      case 'get_transaction': {
        const b = state.block(Number(p(0)));
        const txs = (b?.transactions as unknown[] | undefined) ?? [];
        const tx = txs[Number(p(1))];
        if (!tx) throw FcError.assert('transaction not found');
        return tx;
      }
      default:
        throw new MethodNotFound();
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
      default:
        throw new MethodNotFound();
    }
  }

  if (api === 'history') {
    if (method !== 'get_account_history') throw new MethodNotFound();
    const a = state.findAccount(p(0));
    if (!a) throw FcError.assert(`Account ${String(p(0))} not found`);
    const limit = p(2);
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 0 || limit > 100) throw FcError.assert('limit <= 100');
    return state.history(a.id, historyOpNum(p(1)), limit, historyOpNum(p(3)));
  }
  throw new MethodNotFound();
}
