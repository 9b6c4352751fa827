import { computeBlockId } from '../../chain/bitshares/blockId.js';
import { generateKeyPair, publicKeyFromWif } from '../../chain/bitshares/index.js';
import { fcInt64, fcTime, hashHex } from './fcJson.js';
import type { AccountRecord, AssetRecord } from './objects.js';
import { SyntheticHistory } from './SyntheticHistory.js';
import type { ChainSimOptions, LedgerTransfer, SimAccount } from './types.js';
import { SIM_CHAIN_ID } from './types.js';

/** A transaction accepted into the pending pool (balances already applied, as a node's pending state). */
export type PendingTx = {
  txId: string;
  tx: Record<string, unknown>;
  expirationSec: number;
  transfers: Array<Omit<LedgerTransfer, 'blockNum' | 'trxInBlock' | 'timeMs'>>;
  onIncluded: Array<(info: { blockNum: number; trxNum: number }) => void>;
};

/** Where an included transaction sits. */
export type IncludedTx = {
  blockNum: number;
  trxNum: number;
  tx: Record<string, unknown>;
  expirationSec: number;
};

/** An `operation_history_object` (1.11.N) as bitshares-core 7's history api returns it. */
export type OpHistoryEntry = {
  id: string;
  op: unknown;
  result: unknown;
  block_num: number;
  trx_in_block: number;
  op_in_trx: number;
  /** 0 for an operation of a transaction (db_block.cpp `_apply_block`: virtual ops derived from it count from 1). */
  virtual_op: number;
  is_virtual: boolean;
  block_time: string;
};

/** `cashback_vesting_threshold` of the global properties the simulator serves (100 BTS). */
const CASHBACK_VESTING_THRESHOLD = 10_000_000n;
/** `maintenance_interval` of the global properties the simulator serves (3600 s). */
const MAINTENANCE_INTERVAL_MS = 3_600_000;

const ZERO_ID = '0'.repeat(40);
/** The simulated witnesses' block signing key (a fixed test key; blocks are not really signed). */
const WITNESS_KEY = generateKeyPair('stakebts-sim-witness').pub;

/**
 * The simulated chain's state: accounts, assets, balances (bigint inside), blocks (synthetic ones
 * generated on request, live ones stored), the pending pool, the transfer ledger and account history.
 * Pure state: no sockets here.
 */
export class ChainState {
  readonly chainId: string;
  blockTimeMs: number;
  irreversibleLag: number;
  readonly transferFee: bigint;
  readonly pricePerKbyte: bigint;
  readonly genesisTimeMs: number;
  readonly synthetic: SyntheticHistory | null = null;

  readonly accounts = new Map<string, AccountRecord>(); // by id
  readonly accountIdByName = new Map<string, string>();
  readonly simAccounts = new Map<string, SimAccount>(); // by name, with keys
  readonly assets = new Map<string, AssetRecord>();
  private readonly balances = new Map<string, Map<string, bigint>>();
  private nextAccountNum = 100;

  head: number;
  headTimeMs: number;
  private readonly liveBlocks = new Map<number, Record<string, unknown>>();
  private readonly liveIds = new Map<number, string>();
  pending: PendingTx[] = [];
  readonly known = new Map<string, IncludedTx | 'pending'>();
  readonly ledger: LedgerTransfer[] = [];
  /** Operation history objects by instance number, for the operations that touch a simulator account. */
  readonly opHistory = new Map<number, OpHistoryEntry>();
  /** Account id → its operation numbers, oldest first (index + 1 = the account's sequence number). */
  readonly accountHistory = new Map<string, number[]>();
  /** Instance of the next operation history object: every operation of every block takes one, as on a node. */
  private nextOpNum = 0;
  /** max-ops-per-account of the history plugin (see ChainSimOptions.maxOpsPerAccount), or Infinity. */
  readonly maxOpsPerAccount: number;
  /** Operations removed from each account's history by max-ops-per-account (its statistics' `removed_ops`). */
  readonly removedOps = new Map<string, number>();
  /** get_block replies without block_id / signing_key / transaction_ids (see ChainSimOptions.omitBlockInfo). */
  readonly omitBlockInfo: boolean;

  constructor(options: ChainSimOptions) {
    this.chainId = options.chainId ?? SIM_CHAIN_ID;
    this.omitBlockInfo = options.omitBlockInfo ?? false;
    this.maxOpsPerAccount = options.maxOpsPerAccount ?? Number.POSITIVE_INFINITY;
    this.blockTimeMs = options.blockTimeMs ?? 3_000;
    this.irreversibleLag = options.irreversibleLag ?? 2;
    this.transferFee = options.transferFeeSats ?? 45_000n;
    this.pricePerKbyte = options.pricePerKbyteSats ?? 15_000n;
    const base = options.syntheticHistory?.blocks ?? 0;
    this.genesisTimeMs = options.genesisTimeMs ?? Math.floor(Date.now() / 1000) * 1000 - (base + 1) * this.blockTimeMs;
    this.assets.set('1.3.0', {
      id: '1.3.0',
      symbol: 'BTS',
      precision: 5,
      maxSupply: 360_057_050_210_207n,
    });
    this.assets.set('1.3.121', {
      id: '1.3.121',
      symbol: 'USD',
      precision: 4,
      maxSupply: 1_000_000_000_000_000n,
    });
    this.head = 0;
    this.headTimeMs = this.genesisTimeMs;
    const sh = options.syntheticHistory;
    if (sh) {
      const broker = this.accountIdByName.get(sh.broker ?? 'broker') ?? this.createAccount(sh.broker ?? 'broker').id;
      const brokerRec = this.accounts.get(broker)!;
      const planted = (sh.transfersToBroker ?? []).map((t) => {
        const from = this.simAccounts.get(t.from) ?? this.createAccount(t.from);
        return {
          block: t.block,
          fromId: from.id,
          fromMemoWif: from.memoWif,
          toId: broker,
          toMemoPub: brokerRec.memoPub,
          amountSats: t.amountSats,
          feeSats: this.transferFee,
          ...(t.memo === undefined ? {} : { memo: t.memo }),
        };
      });
      this.synthetic = new SyntheticHistory({
        blocks: sh.blocks,
        opsPerBlock: sh.opsPerBlock ?? 4,
        seed: sh.seed ?? 1,
        salt: this.chainId,
        genesisTimeMs: this.genesisTimeMs,
        blockTimeMs: this.blockTimeMs,
        planted,
      });
      for (const p of this.synthetic.placed) {
        this.credit(p.toId, '1.3.0', p.amountSats);
        this.ledger.push({
          blockNum: p.block,
          trxInBlock: p.trxInBlock,
          opInTrx: 0,
          txId: p.txId,
          from: p.fromId,
          fromName: this.accounts.get(p.fromId)?.name,
          to: p.toId,
          toName: brokerRec.name,
          amountSats: p.amountSats,
          assetId: '1.3.0',
          feeSats: p.feeSats,
          memo: p.memoJson,
          timeMs: p.timeMs,
        });
      }
      this.ledger.sort((a, b) => a.blockNum - b.blockNum || a.trxInBlock - b.trxInBlock);
      // Planted transfers are in their accounts' history under the operation number they hold in the synthetic
      // chain (every synthetic block holds opsPerBlock filler operations before them); live operations follow.
      for (const p of [...this.synthetic.placed].sort((a, b) => a.opNum - b.opNum)) {
        this.recordOp(p.opNum, { op: p.opJson, block: p.block, trxInBlock: p.trxInBlock, opInTrx: 0, timeMs: p.timeMs }, [
          p.fromId,
          p.toId,
        ]);
      }
      this.nextOpNum = this.synthetic.totalOps;
      this.head = sh.blocks;
      this.headTimeMs = this.synthetic.timeMs(sh.blocks);
    }
  }

  get lib(): number {
    return Math.max(0, this.head - this.irreversibleLag);
  }

  /** Block n's id: hashed from its header when it was produced (as a node computes it), zeros before block 1. */
  blockId(n: number): string {
    if (n <= 0) return ZERO_ID;
    if (this.synthetic && n <= this.synthetic.blocks) return this.synthetic.blockId(n);
    const id = this.liveIds.get(n);
    if (id === undefined) throw new Error(`block ${n} is not produced yet`);
    return id;
  }

  /** Block n in get_block's shape, or null when unknown or in the future. */
  block(n: number): Record<string, unknown> | null {
    if (!Number.isInteger(n) || n < 1 || n > this.head) return null;
    const b = this.synthetic && n <= this.synthetic.blocks ? this.synthetic.block(n) : (this.liveBlocks.get(n) ?? null);
    if (!b || !this.omitBlockInfo) return b;
    const { block_id: _id, signing_key: _key, transaction_ids: _ids, ...plain } = b;
    return plain;
  }

  /**
   * Block n as `block_api::get_blocks` gives it: `fetch_block_by_number`'s plain `signed_block` (header, signature and
   * processed transactions; no block_id, signing_key or transaction_ids, which only get_block's with-info shape adds),
   * or null when unknown or in the future.
   */
  signedBlock(n: number): Record<string, unknown> | null {
    if (!Number.isInteger(n) || n < 1 || n > this.head) return null;
    const b = this.synthetic && n <= this.synthetic.blocks ? this.synthetic.block(n) : (this.liveBlocks.get(n) ?? null);
    if (!b) return null;
    const { block_id: _id, signing_key: _key, transaction_ids: _ids, ...plain } = b;
    return plain;
  }

  /** Transaction ids of block n, in order (whatever get_block shows). */
  blockTxIds(n: number): string[] {
    if (this.synthetic && n <= this.synthetic.blocks) return (this.synthetic.block(n).transaction_ids as string[]) ?? [];
    return (this.liveBlocks.get(n)?.transaction_ids as string[] | undefined) ?? [];
  }

  /** Creates an account with deterministic test keys (from `seed`, default the name) or the given WIFs. */
  createAccount(name: string, opts: { seed?: string; ownerWif?: string; activeWif?: string; memoWif?: string } = {}): SimAccount {
    if (!/^[a-z][a-z0-9.-]{1,62}$/.test(name)) throw new Error(`invalid account name: ${name}`);
    if (this.accountIdByName.has(name)) throw new Error(`account exists: ${name}`);
    const seed = opts.seed ?? name;
    // A real account's owner key is its own key, kept offline; the daemon refuses to run with it.
    const ownerWif = opts.ownerWif ?? generateKeyPair(`${seed}/owner`).wif;
    const activeWif = opts.activeWif ?? generateKeyPair(`${seed}/active`).wif;
    const memoWif = opts.memoWif ?? generateKeyPair(`${seed}/memo`).wif;
    const id = `1.2.${this.nextAccountNum++}`;
    const acc: SimAccount = {
      id,
      name,
      ownerWif,
      activeWif,
      memoWif,
      ownerPub: publicKeyFromWif(ownerWif),
      activePub: publicKeyFromWif(activeWif),
      memoPub: publicKeyFromWif(memoWif),
    };
    this.accounts.set(id, {
      id,
      name,
      ownerPub: acc.ownerPub,
      activePub: acc.activePub,
      memoPub: acc.memoPub,
    });
    this.accountIdByName.set(name, id);
    this.simAccounts.set(name, acc);
    return acc;
  }

  /** Account by id ("1.2.x") or name. */
  findAccount(idOrName: unknown): AccountRecord | undefined {
    if (typeof idOrName !== 'string') return undefined;
    if (/^1\.2\.\d+$/.test(idOrName)) return this.accounts.get(idOrName);
    const id = this.accountIdByName.get(idOrName);
    return id ? this.accounts.get(id) : undefined;
  }

  findAsset(idOrSymbol: unknown): AssetRecord | undefined {
    if (typeof idOrSymbol !== 'string') return undefined;
    if (this.assets.has(idOrSymbol)) return this.assets.get(idOrSymbol);
    return [...this.assets.values()].find((a) => a.symbol === idOrSymbol);
  }

  balance(accountId: string, assetId = '1.3.0'): bigint {
    return this.balances.get(accountId)?.get(assetId) ?? 0n;
  }

  allBalances(accountId: string): Map<string, bigint> {
    return this.balances.get(accountId) ?? new Map();
  }

  /**
   * Fees an account paid, as its statistics object keeps them (bitshares-core `account_statistics_object::pay_fee`):
   * above the cashback vesting threshold into `pending_fees`, else into `pending_vested_fees`; the maintenance
   * interval moves both into `lifetime_fees_paid`.
   */
  readonly feeStats = new Map<string, { lifetime: bigint; pending: bigint; pendingVested: bigint }>();

  payFee(accountId: string, fee: bigint): void {
    const s = this.feeStats.get(accountId) ?? { lifetime: 0n, pending: 0n, pendingVested: 0n };
    if (fee > CASHBACK_VESTING_THRESHOLD) s.pending += fee;
    else s.pendingVested += fee;
    this.feeStats.set(accountId, s);
  }

  /** Maintenance: pending fees become lifetime fees (bitshares-core `process_fees`). */
  private processFees(): void {
    for (const s of this.feeStats.values()) {
      s.lifetime += s.pending + s.pendingVested;
      s.pending = 0n;
      s.pendingVested = 0n;
    }
  }

  credit(accountId: string, assetId: string, amount: bigint): void {
    let m = this.balances.get(accountId);
    if (!m) {
      m = new Map();
      this.balances.set(accountId, m);
    }
    m.set(assetId, (m.get(assetId) ?? 0n) + amount);
  }

  /** Required transfer fee: base + price_per_kbyte × packed memo size / 1024 (as the node's data fee). */
  transferFeeFor(memo: unknown): bigint {
    if (memo === undefined || memo === null || typeof memo !== 'object') return this.transferFee;
    const message = (memo as { message?: unknown }).message;
    const len = typeof message === 'string' ? Math.floor(message.length / 2) : 0;
    const varint = len < 0x80 ? 1 : len < 0x4000 ? 2 : 3;
    const size = BigInt(33 + 33 + 8 + varint + len);
    return this.transferFee + (size * this.pricePerKbyte) / 1024n;
  }

  /** Adds an accepted transaction to the pending pool (balances were applied by the caller). */
  addPending(p: PendingTx): void {
    this.pending.push(p);
    this.known.set(p.txId, 'pending');
  }

  /** Produces the next block with every pending transaction; returns its number. */
  produceBlock(): number {
    const n = this.head + 1;
    const timeMs = this.headTimeMs + this.blockTimeMs;
    // The maintenance interval (an hour of chain time) passed: fees are processed.
    if (Math.floor(timeMs / MAINTENANCE_INTERVAL_MS) > Math.floor(this.headTimeMs / MAINTENANCE_INTERVAL_MS)) this.processFees();
    const txs = this.pending;
    this.pending = [];
    const transactions = txs.map((p) => ({
      ...p.tx,
      operation_results: p.transfers.map(() => [0, {}]),
    }));
    const header = {
      previous: this.blockId(n - 1),
      timestamp: fcTime(timeMs),
      witness: `1.6.${(n % 21) + 1}`,
      transaction_merkle_root: txs.length ? hashHex(this.chainId, 'merkle', ...txs.map((t) => t.txId)).slice(0, 40) : ZERO_ID,
      extensions: [],
      witness_signature: `1f${hashHex(this.chainId, 'ws', n)}${hashHex(this.chainId, 'ws2', n)}`,
    };
    const id = computeBlockId(header);
    if (id === null) throw new Error(`block ${n} has no computable id`);
    this.liveIds.set(n, id);
    const block = {
      ...header,
      transactions,
      block_id: id,
      signing_key: WITNESS_KEY,
      transaction_ids: txs.map((t) => t.txId),
    };
    this.liveBlocks.set(n, block);
    this.head = n;
    this.headTimeMs = timeMs;
    txs.forEach((p, trxNum) => {
      this.known.set(p.txId, {
        blockNum: n,
        trxNum,
        tx: p.tx,
        expirationSec: p.expirationSec,
      });
      const ops = (p.tx.operations as unknown[]) ?? [];
      p.transfers.forEach((t, opInTrx) => {
        this.ledger.push({ ...t, blockNum: n, trxInBlock: trxNum, timeMs });
        this.recordOp(this.nextOpNum++, { op: ops[opInTrx], block: n, trxInBlock: trxNum, opInTrx, timeMs }, [t.from, t.to]);
      });
      for (const cb of p.onIncluded) {
        try {
          cb({ blockNum: n, trxNum });
        } catch {
          // a waiter's failure must not stop block production
        }
      }
    });
    return n;
  }

  /** Adds an operation history object and links it into each touched account's history. */
  private recordOp(
    num: number,
    o: { op: unknown; block: number; trxInBlock: number; opInTrx: number; timeMs: number },
    accounts: readonly string[],
  ): void {
    this.opHistory.set(num, {
      id: `1.11.${num}`,
      op: o.op,
      result: [0, {}],
      block_num: o.block,
      trx_in_block: o.trxInBlock,
      op_in_trx: o.opInTrx,
      virtual_op: 0,
      is_virtual: false,
      block_time: fcTime(o.timeMs),
    });
    for (const acc of new Set(accounts)) {
      const list = this.accountHistory.get(acc) ?? [];
      list.push(num);
      this.accountHistory.set(acc, list);
    }
  }

  /**
   * The account's operation numbers still kept, oldest first: all of them, or the newest `max-ops-per-account`
   * (account_history_plugin removes the oldest beyond it and counts them in `removed_ops`).
   */
  private kept(accountId: string): number[] {
    const list = this.accountHistory.get(accountId) ?? [];
    return list.length > this.maxOpsPerAccount ? list.slice(list.length - this.maxOpsPerAccount) : list;
  }

  /** The statistics' `removed_ops`: operations of the account no longer in its history. */
  removedOpsOf(accountId: string): number {
    const list = this.accountHistory.get(accountId) ?? [];
    return Math.max(0, list.length - this.maxOpsPerAccount);
  }

  /**
   * `history_api::get_account_history` (bitshares-core libraries/app/api.cpp): the account's operations with
   * numbers in (stop, start], most recent first, at most `limit`; start 0 means "from the most recent"; when
   * stop is 0 the operation 1.11.0 is included too if it is the account's.
   */
  history(accountId: string, stop: number, limit: number, start: number, omit: ReadonlySet<number> = new Set()): OpHistoryEntry[] {
    const list = this.kept(accountId).filter((n) => !omit.has(n));
    const from = start === 0 ? Number.MAX_SAFE_INTEGER : start;
    const out: OpHistoryEntry[] = [];
    if (from < stop) return out;
    for (let i = list.length - 1; i >= 0 && out.length < limit; i--) {
      const num = list[i]!;
      if (num > from) continue;
      if (num <= stop) {
        if (stop === 0 && num === 0) out.push(this.opHistory.get(0)!);
        break;
      }
      out.push(this.opHistory.get(num)!);
    }
    return out;
  }

  /**
   * `history_api::get_relative_account_history`: by the account's own sequence numbers (1 = its first operation),
   * from `start` (0 or above the count = its most recent) down to `stop` INCLUSIVE (0 = its first), most recent first,
   * at most `limit`.
   */
  relativeHistory(accountId: string, stop: number, limit: number, start: number, omit: ReadonlySet<number> = new Set()): OpHistoryEntry[] {
    const list = this.accountHistory.get(accountId) ?? [];
    const total = list.length;
    const removed = this.removedOpsOf(accountId);
    const top = start === 0 ? total : Math.min(total, start);
    const out: OpHistoryEntry[] = [];
    // api.cpp: `start >= stop && start > stats.removed_ops && limit > 0`; removed sequence numbers are not there.
    if (!(top >= stop && top > removed && limit > 0)) return out;
    const bottom = Math.max(1, stop, removed + 1);
    for (let seq = top; seq >= bottom && out.length < limit; seq--) {
      const num = list[seq - 1]!;
      if (!omit.has(num)) out.push(this.opHistory.get(num)!);
    }
    return out;
  }

  /** Number of operations the account has (its statistics' total_ops). */
  totalOps(accountId: string): number {
    return this.accountHistory.get(accountId)?.length ?? 0;
  }

  /** fc JSON of an int64 (share_type). */
  static int64(v: bigint): number | string {
    return fcInt64(v);
  }

  /** fc JSON of an amount: `{amount, asset_id}`. */
  static amount(amount: bigint, assetId: string): { amount: number | string; asset_id: string } {
    return { amount: fcInt64(amount), asset_id: assetId };
  }
}
