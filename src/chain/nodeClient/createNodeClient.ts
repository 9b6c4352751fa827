import type { Logger } from 'pino';
import { z } from 'zod';
import { BaseError } from '../../errors/BaseError.js';
import { silentLogger } from '../../log.js';
import { type BlockHeaderJson, computeBlockId } from '../bitshares/blockId.js';
import { createFallbackRpc, type FallbackRpc, type FallbackRpcOptions, type RpcResponseInfo } from '../rpc/index.js';
import { readBlock } from './readBlock.js';
import {
  type AccountStatistics,
  type AssetAmount,
  accountSchema,
  accountStatisticsSchema,
  assetAmountSchema,
  assetSchema,
  type ChainAccount,
  type ChainAsset,
  type DynamicGlobalProperties,
  dynamicGlobalPropertiesSchema,
  fcTime,
  type OperationHistory,
  operationHistorySchema,
  type RawBlock,
} from './schemas.js';

export type NodeClientOptions = {
  /** Node URLs in order of preference. */
  urls: readonly string[];
  /** Refuse nodes on another chain. */
  expectedChainId?: string;
  /** Per-call deadline. @default 10_000 */
  callTimeoutMs?: number;
  /** @default silentLogger */
  logger?: Logger;
  /** Metrics hook, one call per attempt. */
  onResponse?: (info: RpcResponseInfo) => void;
  /** Lower-level transport options (keep-alive, reconnect, cooldown). */
  rpc?: Omit<FallbackRpcOptions, 'expectedChainId' | 'timeoutMs' | 'logger' | 'onResponse'>;
};

export type FeeCap = {
  /** The most one operation's fee may be, satoshis. */
  maxSats: bigint;
  /** Told of each node whose quote was refused. */
  onRefused?: (url: string, feeSats: bigint) => void;
};

export type GetBlockOptions = {
  /** The block must exist (it is at or below the irreversible head): null is a node fault. */
  required?: boolean;
  /** Returns a fault description when the block is not acceptable; the node is then failed over. */
  check?: (block: RawBlock) => string | null;
};

/** A node's `get_block` answer, validated, with the id it hashes to; see {@link GetBlockOptions}. */
function toRawBlock(raw: unknown, blockNum: number, url: string, options: GetBlockOptions = {}): RawBlock | null {
  const b = readBlock(raw);
  if (b === null) {
    if (options.required) throw new BaseError('NODE_FAULT', `Node ${url} has no block ${blockNum} although it is irreversible`);
    return null;
  }
  const block: RawBlock = {
    blockNum,
    timestamp: b.timestamp,
    timestampMs: fcTime.parse(b.timestamp),
    previous: b.previous,
    witness: b.witness,
    blockId: b.block_id,
    computedId: computeBlockId(b as BlockHeaderJson),
    transactionIds: b.transaction_ids,
    servedBy: url,
    transactions: b.transactions,
  };
  const fault = options.check?.(block);
  if (fault) throw new BaseError('NODE_FAULT', `Node ${url} served a false block ${blockNum}: ${fault}`);
  return block;
}

/** Typed, validated access to the node calls stakebts uses. */
export type NodeClient = ReturnType<typeof createNodeClient>;

const chainIdSchema = z.string().regex(/^[0-9a-f]{64}$/);
const blockHeaderSchema = z.looseObject({ previous: z.string().regex(/^[0-9a-f]{40}$/) });

/**
 * Creates the node client: every result is validated (zod) before use, so a node sending a wrong shape
 * is treated like a failing node (failover), never as data.
 *
 * @param options - see {@link NodeClientOptions}
 * @example const node = createNodeClient({ urls: ['wss://node/ws'], expectedChainId }); await node.getDynamicGlobalProperties();
 */
export function createNodeClient(options: NodeClientOptions) {
  const { urls, expectedChainId, callTimeoutMs = 10_000, logger = silentLogger, onResponse, rpc: rpcOptions = {} } = options;
  const rpc: FallbackRpc = createFallbackRpc(urls, {
    // Asked on every connection: where a node grants it, the scanner reads blocks in ranges (getBlocks).
    blockApi: true,
    ...rpcOptions,
    timeoutMs: callTimeoutMs,
    logger,
    ...(expectedChainId ? { expectedChainId } : {}),
    ...(onResponse ? { onResponse } : {}),
  });

  const db = <T>(method: string, params: unknown[], schema: z.ZodType<T>): Promise<T> =>
    rpc.request({
      api: 'database',
      method,
      params,
      parse: (raw) => schema.parse(raw),
    });

  return {
    rpc,

    /** Chain id of the answering node (already checked against `expectedChainId`). */
    getChainId: (): Promise<string> => db('get_chain_id', [], chainIdSchema),

    /** Head, head id, chain time (UTC ms) and last irreversible block. */
    getDynamicGlobalProperties: (): Promise<DynamicGlobalProperties> =>
      db('get_dynamic_global_properties', [], dynamicGlobalPropertiesSchema),

    /**
     * A block, or null when unknown or in the future. Operations stay raw JSON.
     * With `required` (the block is at or below the irreversible head) a null is a node fault, and with `check` any
     * fault the caller finds (a block that is not the one asked for): either moves to the next node, never returns.
     */
    getBlock: (blockNum: number, options: GetBlockOptions = {}): Promise<RawBlock | null> =>
      rpc.request({
        api: 'database',
        method: 'get_block',
        params: [blockNum],
        parse: (raw, url) => toRawBlock(raw, blockNum, url, options),
      }),

    /**
     * The `previous` of block n's header (`get_block_header`, which bitshares-core answers with the unsigned
     * `block_header`), or null when the node has no block n yet: the id block n − 1 must have to be on this chain.
     */
    getBlockPrevious: async (blockNum: number): Promise<string | null> =>
      (await db('get_block_header', [blockNum], blockHeaderSchema.nullable()))?.previous ?? null,

    /**
     * Blocks from..to (both included) in one call of the block api (`block_api::get_blocks`, which bitshares-core
     * answers with `vector<optional<signed_block>>`: the plain signed block, no block_id). Each block goes through the
     * same validation and `options` as {@link getBlock} (schema, id recomputed, `required`, `check`); one false block,
     * or an answer of the wrong length, fails the whole answer over to the next node. Only nodes granting the block
     * api can serve it (see hasBlockApi).
     */
    getBlocks: (from: number, to: number, options: GetBlockOptions = {}): Promise<(RawBlock | null)[]> =>
      rpc.request({
        api: 'block',
        method: 'get_blocks',
        params: [from, to],
        parse: (raw, url) => {
          const list = z.array(z.unknown()).parse(raw);
          if (list.length !== to - from + 1) {
            throw new BaseError('NODE_FAULT', `Node ${url} answered get_blocks(${from}, ${to}) with ${list.length} blocks`);
          }
          return list.map((b, i) => toRawBlock(b, from + i, url, options));
        },
      }),

    /**
     * Asks ONE node (by its sanitised URL), no failover: what that node says block `blockNum` is and its irreversible
     * head. The quorum check asks each node in turn, so that no single node is believed about money.
     */
    askNode: async (url: string, blockNum: number): Promise<{ block: RawBlock | null; lib: number }> => {
      const t = rpc.transports.find((x) => x.config.url === url);
      if (!t) throw new BaseError('CONFIG_INVALID', `No node ${url} is configured`);
      const [dgp, raw] = await Promise.all([
        t.request({ api: 'database', method: 'get_dynamic_global_properties', params: [] }),
        t.request({ api: 'database', method: 'get_block', params: [blockNum] }),
      ]);
      return { block: toRawBlock(raw, blockNum, url), lib: dynamicGlobalPropertiesSchema.parse(dgp).lastIrreversibleBlockNum };
    },

    /** Sanitised URLs of the configured nodes, in order. */
    nodeUrls: (): string[] => rpc.transports.map((t) => t.config.url),

    /** Account by name, or null. */
    getAccountByName: (name: string): Promise<ChainAccount | null> => db('get_account_by_name', [name], accountSchema.nullable()),

    /** Accounts by id or name, null for unknown ones, in input order (never subscribes). */
    getAccounts: (idsOrNames: readonly string[]): Promise<(ChainAccount | null)[]> =>
      db('get_accounts', [idsOrNames, false], z.array(accountSchema.nullable())),

    /**
     * What an account has done on chain, from its statistics object (`get_full_accounts`): its operation count and
     * the fees it has paid (lifetime + pending): an account that paid a fee has sent transactions. Null when unknown.
     */
    getAccountStatistics: async (account: string): Promise<AccountStatistics | null> => {
      const pairs = await db('get_full_accounts', [[account], false], z.array(z.tuple([z.string(), z.unknown()])));
      const full = pairs[0]?.[1];
      if (full === undefined || full === null) return null;
      return accountStatisticsSchema.parse((full as { statistics?: unknown }).statistics);
    },

    /** Assets by symbol, null for unknown ones. */
    lookupAssetSymbols: (symbols: readonly string[]): Promise<(ChainAsset | null)[]> =>
      db('lookup_asset_symbols', [symbols], z.array(assetSchema.nullable())),

    /** Assets by id ("1.3.x") or symbol (`get_assets`), null for unknown ones, in input order (never subscribes). */
    getAssets: (idsOrSymbols: readonly string[]): Promise<(ChainAsset | null)[]> =>
      db('get_assets', [idsOrSymbols, false], z.array(assetSchema.nullable())),

    /** Balances in satoshis, keyed by asset id; assets the node omits read as 0n. */
    getAccountBalances: async (account: string, assetIds: readonly string[]): Promise<Record<string, bigint>> => {
      const list = await db('get_account_balances', [account, assetIds], z.array(assetAmountSchema));
      const out: Record<string, bigint> = Object.fromEntries(assetIds.map((id) => [id, 0n]));
      for (const b of list) out[b.assetId] = b.amount;
      return out;
    },

    /** One asset's balance in satoshis. @default assetId '1.3.0' */
    getAccountBalance: async (account: string, assetId = '1.3.0'): Promise<bigint> => {
      const list = await db('get_account_balances', [account, [assetId]], z.array(assetAmountSchema));
      return list.find((b) => b.assetId === assetId)?.amount ?? 0n;
    },

    /** Required fee per operation (`[[opType, op], …]`) paid in `assetId`. */
    getRequiredFees: (ops: readonly unknown[], assetId = '1.3.0', cap?: FeeCap): Promise<AssetAmount[]> =>
      rpc.request({
        api: 'database',
        method: 'get_required_fees',
        params: [ops, assetId],
        parse: (raw, url) => {
          const fees = z.array(assetAmountSchema).parse(raw);
          // A node quoting more than the cap (a lie to drain the broker through fees) is refused; the next is asked.
          const over = cap ? fees.find((f) => f.amount > cap.maxSats || f.amount < 0n) : undefined;
          if (cap && over) {
            cap.onRefused?.(url, over.amount);
            throw new BaseError('NODE_FAULT', `Node ${url} quoted a fee of ${over.amount} satoshis, above the cap of ${cap.maxSats}`);
          }
          return fees;
        },
      }),

    /**
     * Sends a signed transaction. Resolves when the node accepted it into its pending pool; confirm by
     * scanning blocks. Not failed over once sent: a timeout here means "outcome unknown".
     */
    broadcastTransaction: async (signedTx: unknown): Promise<void> => {
      await rpc.request({
        api: 'network_broadcast',
        method: 'broadcast_transaction',
        params: [signedTx],
        idempotent: false,
      });
    },

    /**
     * Account history (history api), most recent first: operations with ids in (stop, start], at most `limit`.
     * @default stop '1.11.0', limit 100, start '1.11.0' (= most recent)
     */
    getAccountHistory: (accountId: string, stop = '1.11.0', limit = 100, start = '1.11.0'): Promise<OperationHistory[]> =>
      rpc.request({
        api: 'history',
        method: 'get_account_history',
        params: [accountId, stop, limit, start],
        parse: (raw) => z.array(operationHistorySchema).parse(raw),
      }),

    /**
     * Whether a configured node offers the history api (learned in each connection's handshake; a node that does
     * not allow it refuses `login_api::history()`). Connects where needed; an unreachable node counts as without.
     */
    hasHistoryApi: async (): Promise<boolean> => {
      for (const t of rpc.transports) {
        try {
          if ((await t.connect()).historyAvailable) return true;
        } catch {
          // unreachable or refused: try the next node
        }
      }
      return false;
    },

    /**
     * Whether a configured node grants the block api (`login_api::block()`, asked in each connection's handshake; most
     * public nodes refuse it). Connects where needed; an unreachable node counts as without.
     */
    hasBlockApi: async (): Promise<boolean> => {
      for (const t of rpc.transports) {
        try {
          if ((await t.connect()).blockAvailable === true) return true;
        } catch {
          // unreachable or refused: try the next node
        }
      }
      return false;
    },

    /** Closes every node connection. Idempotent. */
    close: (): Promise<void> => rpc.close(),
  };
}
