import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { GetBlockOptions, NodeClient, RawBlock } from '../chain/nodeClient/index.js';
import { isApiMissing } from '../chain/rpc/index.js';
import type { Config } from '../config/index.js';
import { appendAlarm } from '../db/alarms.js';
import { type CatchUpMode, readHistoryCursor, unrecordedOps, writeCatchUpProgress, writeHistoryCursor } from '../db/catchup.js';
import { readCursor, writeCursor } from '../db/cursor.js';
import { BTS_ASSET_ID, parseSats } from '../domain/money.js';
import { BaseError, isError } from '../errors/BaseError.js';
import { applyBlock, applyBlocks, type BlockCursor } from '../ledger/applyBlock.js';
import { silentLogger } from '../log.js';
import { wait } from '../utils/promise/index.js';
import { type AdaptiveWindow, classifyCallError, NodeWindows } from './adaptiveWindow.js';
import { checkBlock } from './checkBlock.js';
import { confirmByQuorum } from './confirmByQuorum.js';
import { listBrokerHistory } from './listBrokerHistory.js';
import { type PrepareContext, type PreparedBlock, prepareBlock } from './prepareBlock.js';

export type ScanProgress = {
  from: number;
  to: number;
  done: number;
  current: number;
  blocksPerSec: number;
  /** 'history': the history cursor is ahead and this is the bounded scan behind it; 'scan': the scan alone. */
  mode: CatchUpMode;
  /** Time left at this rate, ms. */
  etaMs: number;
  /** Concurrent calls given to the node now. */
  window: number;
};

export type BlockScannerOptions = {
  db: Database;
  node: NodeClient;
  config: Config;
  /** `retiredMemoWifs`: memo keys the broker used before (keystore `retiredMemoWifs`), tried when the current one is not the memo's. */
  broker: { id: string; memoWif: string; retiredMemoWifs?: readonly string[] };
  managerIds: ReadonlySet<string>;
  fundingIds: ReadonlySet<string>;
  /** A fixed number of concurrent get_block calls (benchmarks). @default adaptive, config.listener.windowStart … window */
  window?: number;
  logger?: Logger;
  onProgress?: (p: ScanProgress) => void;
};

/** Empty blocks between two cursor writes while catching up. */
const CURSOR_BATCH = 1_000;

export type ScanRound = { from: number; to: number; applied: number; lib: number; libTime: number };

/** A transfer's amount in satoshis as prepareBlock reads it (positive, parsed as fc writes int64), or null. */
function readSats(value: unknown): bigint | null {
  if (typeof value !== 'object' || value === null || typeof (value as { asset_id?: unknown }).asset_id !== 'string') return null;
  try {
    const sats = parseSats((value as { amount?: unknown }).amount);
    return sats > 0n ? sats : null;
  } catch {
    return null;
  }
}

export type ScanLimits = {
  /** Stop after this many blocks. */
  maxBlocks?: number;
  /** Never read faster than this (the background scan behind the history cursor). */
  blocksPerSec?: number;
};

/** Blocks asked in one get_blocks call where a node grants the block api (bitshares-core sets no limit of its own). */
const BLOCKS_PER_CALL = 50;
/**
 * Blocks fetched ahead of the apply loop (calls open and answers waiting to be applied): what the scan holds in
 * memory is bounded by this, not by the window alone.
 */
const MAX_AHEAD = 512;
/** Most blocks the history path applies in one transaction (one commit). */
const APPLY_BATCH = 64;
/** How long whether a node grants the block api is believed before it is asked again. */
const BLOCK_API_TTL_MS = 60_000;

/** Retries of one block's fetch within a round (the window shrinks on each failure) before the round fails. */
const FETCH_RETRIES = 6;
/** Attempts of one call refused for load (429) before it counts as failed. */
const REFUSAL_RETRIES = 8;

/**
 * Scans irreversible blocks: cursor+1 … last_irreversible_block_num, never past it. Blocks are fetched through a
 * window of concurrent calls and applied strictly in order, each in its own transaction with the cursor.
 */
export class BlockScanner {
  private readonly names = new Map<string, string>();
  private readonly log: Logger;
  private maxSupplySats: bigint | null = null;
  private readonly faultsSeen = new Set<string>();
  private readonly pendingFaults: Array<{ block: number; node: string; fault: string }> = [];
  /** A round has applied every block up to the irreversible head it read: nothing on chain is unseen but the newest. */
  caughtUp = false;
  /** Last irreversible block number and time seen: "now" for the payout loop. */
  lastIrreversible: { blockNum: number; time: number } | null = null;
  /** Current mode and why (no history api, partial history…), as `status` shows it. */
  mode: { mode: CatchUpMode; note: string | null } = { mode: 'scan', note: null };
  /** Calls made by this scanner (history pages, blocks), for benchmarks. */
  readonly calls = { history: 0, blocks: 0 };
  readonly windows: NodeWindows;
  private currentNode: string | undefined;
  /** Block calls (get_block, get_blocks) open now. */
  private open = 0;
  /** Whether a node grants the block api, and when that was learned. */
  private blockApi = { granted: false, at: Number.NEGATIVE_INFINITY };

  constructor(private readonly opts: BlockScannerOptions) {
    this.log = (opts.logger ?? silentLogger).child({ mod: 'listener' });
    const l = opts.config.listener;
    this.windows =
      opts.window !== undefined
        ? new NodeWindows(Math.max(1, opts.window), Math.max(1, opts.window))
        : new NodeWindows(Math.min(l.windowStart, l.window), l.window, l.windowCaps);
  }

  /** The window of the node serving now (the last one that answered). */
  window(): AdaptiveWindow {
    return this.windows.of(this.currentNode ?? this.opts.node.rpc.config.urls[0] ?? '');
  }

  /** One round up to the current irreversible block. */
  async scanOnce(signal?: AbortSignal, limits: ScanLimits = {}): Promise<ScanRound> {
    const { db, node, config } = this.opts;
    const dgp = await this.politely(() => node.getDynamicGlobalProperties());
    const lib = dgp.lastIrreversibleBlockNum;
    const stored = readCursor(db);
    const cursor = stored?.blockNum ?? config.startBlock - 1;
    if (lib <= cursor) {
      this.caughtUp = true;
      return { from: cursor + 1, to: cursor, applied: 0, lib, libTime: this.lastIrreversible?.time ?? 0 };
    }
    const maxSupplySats = await this.maxSupply();
    const libPrepared = await this.fetchRetrying(lib, maxSupplySats, signal);
    this.lastIrreversible = { blockNum: lib, time: libPrepared.blockTime };
    const from = cursor + 1;
    const to = limits.maxBlocks !== undefined ? Math.min(lib, cursor + Math.max(1, limits.maxBlocks)) : lib;
    // Blocks at or below the history cursor had their listed operations applied already: one found unapplied there is
    // one the history api missed.
    const historyBlock = readHistoryCursor(db).blockNum;
    const mode: CatchUpMode = historyBlock > cursor ? 'history' : 'scan';

    await this.blockApiGranted();
    // Read live: a range that found no node granting the block api any more turns the rest of the round to get_block.
    const ranged = () => this.blockApi.granted;
    const inflight = new Map<number, Promise<PreparedBlock>>();
    // The last block of the call each block was asked in: a failed get_blocks is asked again as the same range.
    const rangeEnd = new Map<number, number>();
    let next = from;
    const issue = (n: number, end: number) => {
      const call = this.fetchTimed(n, end, maxSupplySats);
      call.catch(() => {}); // awaited in order below; this only keeps an early failure from going unhandled
      for (let k = n; k <= end; k++) {
        const p = call.then((list) => list[k - n] as PreparedBlock);
        p.catch(() => {});
        inflight.set(k, p);
        rangeEnd.set(k, end);
      }
    };
    const fill = () => {
      // Calls still open (not those settled and waiting to be applied) count against the window; every block fetched
      // and not yet applied counts against MAX_AHEAD.
      // A range is asked only when it fits whole (ranges cut short would only mean more calls).
      const room = ranged() ? BLOCKS_PER_CALL : 1;
      while (next <= to && this.open < this.window().size && inflight.size + room <= MAX_AHEAD) {
        const n = next;
        if (n === lib) {
          inflight.set(n, Promise.resolve(libPrepared));
          next++;
          continue;
        }
        // get_blocks where a node grants it (one call for up to BLOCKS_PER_CALL blocks), else one get_block a block.
        const end = ranged() ? Math.min(to, lib - 1, n + BLOCKS_PER_CALL - 1) : n;
        next = end + 1;
        issue(n, end);
      }
    };
    const refetch = (n: number): Promise<PreparedBlock> => {
      issue(n, rangeEnd.get(n) ?? n);
      return inflight.get(n) as Promise<PreparedBlock>;
    };
    const started = Date.now();
    let applied = 0;
    let idleCursor: { blockNum: number; blockTime: number; blockId: string | null } | null = null;
    let lastFlushed = cursor;
    // The id of the last block applied (or passed over as empty): the next block's `previous` must name it.
    let lastId: string | null = stored?.blockId ?? null;
    let lastServedBy: string | undefined;
    const flush = () => {
      if (!idleCursor) return;
      const c = idleCursor;
      db.transaction(() => {
        if ((readCursor(db)?.blockNum ?? -1) < c.blockNum) writeCursor(db, c);
      }).immediate();
      lastFlushed = c.blockNum;
      idleCursor = null;
    };
    try {
      for (let n = from; n <= to; n++) {
        if (signal?.aborted) break;
        if (limits.blocksPerSec !== undefined) {
          // Pace: block k of the round may start no sooner than k / rate seconds after the round began.
          const ahead = ((n - from) * 1000) / limits.blocksPerSec - (Date.now() - started);
          if (ahead > 0) await wait(ahead, signal).catch(() => {});
          if (signal?.aborted) break;
        }
        fill();
        const prepared = await this.retrying(inflight.get(n) as Promise<PreparedBlock>, () => refetch(n), signal);
        inflight.delete(n);
        rangeEnd.delete(n);
        if (lastId !== null && prepared.previous !== lastId) {
          // Two nodes tell two different chains, or one node lies about a link: apply nothing of it.
          this.nodeFault(n, prepared.servedBy, `its previous ${prepared.previous} is not the block applied before it (${lastId})`);
          if (lastServedBy !== undefined && lastServedBy !== prepared.servedBy) node.rpc.markFaulty(lastServedBy);
          idleCursor = null; // never store a position reached through an inconsistent link
          throw new BaseError('NODE_FAULT', `Block ${n} does not link to block ${n - 1} as applied; nothing of it was applied.`);
        }
        lastId = prepared.blockId ?? null;
        lastServedBy = prepared.servedBy;
        if (prepared.ops.length === 0) {
          // Nothing of ours in this block: only the cursor would move. Batch those moves (a replayed empty block is
          // harmless) instead of one fsync'ed transaction per block.
          idleCursor = { blockNum: prepared.blockNum, blockTime: prepared.blockTime, blockId: prepared.blockId ?? null };
          if (n - lastFlushed >= CURSOR_BATCH || n === to) flush();
          applied++;
          this.report(from, lib, n, applied, started, mode);
          continue;
        }
        if (config.quorum > 1) await this.requireQuorum(prepared);
        await this.resolveNames(prepared);
        const ctx = this.applyContext(libPrepared.blockTime, maxSupplySats);
        if (n <= historyBlock) {
          db.transaction(() => {
            for (const op of unrecordedOps(db, prepared.ops)) {
              appendAlarm(db, 0, 'history_missed_op', {
                block: op.blockNum,
                trx: op.trxInBlock,
                op: op.opInTrx,
                direction: op.direction,
                txId: op.txId,
                amountSats: op.amountSats,
                historyBlock,
                note: "the node's history api did not list this transfer; the block scan found it and applies it now, once",
              });
              this.log.error(
                { block: op.blockNum, trx: op.trxInBlock, op: op.opInTrx },
                'ALARM: history missed an operation; applied from the scan',
              );
            }
            applyBlock(prepared, ctx);
          }).immediate();
        } else {
          applyBlock(prepared, ctx);
        }
        idleCursor = null;
        lastFlushed = n;
        applied++;
        this.report(from, lib, n, applied, started, mode);
      }
      flush();
      if (from + applied - 1 === lib) this.caughtUp = true;
      this.writeProgress(mode, from + applied - 1, lib, applied, started);
    } finally {
      this.writeFaultReceipts();
    }
    return { from, to: from + applied - 1, applied, lib, libTime: libPrepared.blockTime };
  }

  /**
   * Scans until aborted: rounds back to back while behind, one per poll interval when caught up. Node failures
   * are logged and retried with backoff; the scan never dies of bad input.
   */
  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    const { config } = this.opts;
    while (!signal.aborted) {
      try {
        const history = config.listener.history === 'auto' ? await this.historyOnce(signal) : false;
        const behind = (readCursor(this.opts.db)?.blockNum ?? config.startBlock - 1) < readHistoryCursor(this.opts.db).blockNum;
        // Behind the history cursor the scan is a bounded background reader (slices of about a poll interval, so the
        // history cursor keeps following the head); payouts go by the history cursor meanwhile and never wait for it.
        const rate = config.listener.backgroundBlocksPerSec;
        const round =
          history && behind
            ? await this.scanOnce(signal, { blocksPerSec: rate, maxBlocks: Math.max(1, Math.ceil((rate * config.listener.pollMs) / 1000)) })
            : await this.scanOnce(signal);
        failures = 0;
        // Blocks at debug: info is for business events (one line each, src/daemon/logBusinessEvents.ts) and catch-up progress.
        if (round.applied > 0) this.log.debug({ from: round.from, to: round.to, lib: round.lib }, 'scanned irreversible blocks');
        if (round.applied === 0) await wait(this.opts.config.listener.pollMs, signal).catch(() => {});
      } catch (err) {
        if (signal.aborted) break;
        failures++;
        const delay = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        this.log.warn({ err, failures, retryInMs: delay }, 'scan round failed; retrying');
        await wait(delay, signal).catch(() => {});
      }
    }
  }

  private report(from: number, to: number, current: number, done: number, started: number, mode: CatchUpMode): void {
    if (done % 500 !== 0 && current !== to) return;
    const secs = Math.max(0.001, (Date.now() - started) / 1000);
    const blocksPerSec = done / secs;
    const etaMs = blocksPerSec > 0 ? ((to - current) / blocksPerSec) * 1000 : 0;
    this.opts.onProgress?.({ from, to, done, current, blocksPerSec, mode, etaMs, window: this.window().size });
    if (done % 5_000 === 0) this.writeProgress(mode, current, to, done, started);
  }

  /** The progress snapshot `status` reads. */
  private writeProgress(mode: CatchUpMode, scanBlock: number, lib: number, done: number, started: number): void {
    const secs = Math.max(0.001, (Date.now() - started) / 1000);
    const blocksPerSec = done / secs;
    const note = mode === 'history' ? 'history cursor ahead; the full scan reads every block behind it at a bounded rate' : this.mode.note;
    writeCatchUpProgress(this.opts.db, {
      mode,
      note,
      scanBlock,
      lib,
      blocksPerSec,
      etaMs: blocksPerSec > 0 ? ((lib - scanBlock) / blocksPerSec) * 1000 : null,
      window: this.window().size,
    });
  }

  private applyContext(now: number, maxSupplySats: bigint) {
    return {
      db: this.opts.db,
      config: this.opts.config,
      brokerId: this.opts.broker.id,
      managerIds: this.opts.managerIds,
      fundingIds: this.opts.fundingIds,
      names: this.names,
      now,
      maxSupplySats,
      logger: this.log,
    };
  }

  /**
   * History-first catch-up (issue 15): where a node offers the history api, the broker's transfers since the furthest
   * applied position are listed (listBrokerHistory.ts), only the blocks holding them are fetched, through the same
   * checks as the scan (block id, header hash, previous number, amount cap, quorum) and each listed operation must be
   * in its block where the history says; they are applied in chain order with the same exactly-once keys, against
   * the history cursor. The history cursor then moves to the irreversible head.
   * @returns true when history is usable and applied up to the irreversible head; false (mode 'scan', with the
   *   reason) when the node has no history api, answers partially, or its history and its blocks disagree
   */
  async historyOnce(signal?: AbortSignal): Promise<boolean> {
    const { db, node, config } = this.opts;
    const fallBack = (note: string): false => {
      if (this.mode.note !== note) this.log.warn({ note }, 'history catch-up unavailable; the block scan alone');
      this.mode = { mode: 'scan', note };
      return false;
    };
    if (!(await node.hasHistoryApi())) return fallBack('no node offers the history api');
    const dgp = await this.politely(() => node.getDynamicGlobalProperties());
    const lib = dgp.lastIrreversibleBlockNum;
    const scanAt = readCursor(db)?.blockNum ?? config.startBlock - 1;
    const hist = readHistoryCursor(db);
    const after = Math.max(scanAt, hist.blockNum);
    if (lib <= after) {
      this.mode = { mode: hist.blockNum > scanAt ? 'history' : 'scan', note: null };
      return true;
    }
    let listing: Awaited<ReturnType<typeof listBrokerHistory>>;
    try {
      listing = await listBrokerHistory(node, this.opts.broker.id, after, lib);
    } catch (err) {
      return fallBack(`history api error: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    }
    this.calls.history += listing.calls;
    if (!listing.complete) return fallBack(listing.reason);
    const maxSupplySats = await this.maxSupply();
    const libPrepared = await this.fetchRetrying(lib, maxSupplySats, signal);
    this.lastIrreversible = { blockNum: lib, time: libPrepared.blockTime };
    const cursor: BlockCursor = {
      read: (d) => Math.max(readCursor(d)?.blockNum ?? -1, readHistoryCursor(d).blockNum),
      write: (d, b) => writeHistoryCursor(d, { blockNum: b.blockNum, blockTime: b.blockTime }),
    };
    const nums = [...listing.blocks.keys()];
    const inflight = new Map<number, Promise<PreparedBlock>>();
    // Blocks whose fetch has already come back, so the loop can tell whether the next one is waiting for it.
    const arrived = new Set<number>();
    let next = 0;
    const fill = () => {
      while (next < nums.length && this.open < this.window().size && inflight.size < MAX_AHEAD) {
        const n = nums[next++]!;
        const p = this.fetchLinked(n, maxSupplySats);
        p.then(
          () => arrived.add(n),
          () => {},
        );
        inflight.set(n, p);
      }
    };
    // Checked blocks not yet applied: applied together (one commit) when the next block is not in hand yet, every
    // APPLY_BATCH blocks, and before the loop leaves, so nothing checked waits on a network round trip.
    let batch: PreparedBlock[] = [];
    const flush = () => {
      if (batch.length === 0) return;
      const blocks = batch;
      batch = [];
      applyBlocks(blocks, this.applyContext(libPrepared.blockTime, maxSupplySats), cursor);
    };
    try {
      for (const [i, n] of nums.entries()) {
        if (signal?.aborted) {
          flush();
          return false;
        }
        fill();
        let prepared: PreparedBlock;
        try {
          prepared = await this.retrying(inflight.get(n) as Promise<PreparedBlock>, () => this.fetchLinked(n, maxSupplySats), signal);
        } catch (err) {
          // Every node asked served a block that is not on the chain (alarmed as node faults): the scan, which checks
          // every link itself, takes over; nothing of the block was applied.
          if (!isError(err, 'NODE_FAULT')) throw err;
          flush();
          return fallBack(`block ${n} from the history path is not on the chain: ${err.shortMessage}`);
        }
        inflight.delete(n);
        arrived.delete(n);
        // The history says where each transfer is; the block must hold it there (else one of them is false).
        for (const h of listing.blocks.get(n) ?? []) {
          if (!prepared.ops.some((o) => o.trxInBlock === h.trxInBlock && o.opInTrx === h.opInTrx)) {
            this.nodeFault(
              n,
              prepared.servedBy,
              `its history lists ${h.id} at trx ${h.trxInBlock} op ${h.opInTrx}, which block ${n} does not hold`,
            );
            flush();
            return fallBack(`history and block ${n} disagree about ${h.id}`);
          }
        }
        // A failure from here on leaves the batch unapplied: the next round fetches those blocks again (the cursor
        // never moved past them), which costs calls, never an operation.
        if (config.quorum > 1) await this.requireQuorum(prepared);
        await this.resolveNames(prepared);
        batch.push(prepared);
        const following = nums[i + 1];
        if (following === undefined || !arrived.has(following) || batch.length >= APPLY_BATCH) flush();
      }
      flush();
    } finally {
      this.writeFaultReceipts();
    }
    db.transaction(() => writeHistoryCursor(db, { blockNum: lib, blockTime: libPrepared.blockTime })).immediate();
    this.caughtUp = true;
    this.mode = { mode: 'history', note: null };
    return true;
  }

  private fetchRetrying(n: number, maxSupplySats: bigint, signal?: AbortSignal): Promise<PreparedBlock> {
    return this.retrying(this.fetchOne(n, maxSupplySats), () => this.fetchOne(n, maxSupplySats), signal);
  }

  /**
   * Block n once its fetch has settled: a failed fetch (timeout, refusal, error) shrinks the node's window and is asked
   * again (`refetch`), up to FETCH_RETRIES times, before the round fails. The first retry goes at once (the window is
   * smaller by then, so it is one call among fewer); the next ones after a doubling pause. The calls behind it keep
   * their places.
   */
  private async retrying(
    first: Promise<PreparedBlock>,
    refetch: () => Promise<PreparedBlock>,
    signal?: AbortSignal,
  ): Promise<PreparedBlock> {
    let p = first;
    for (let attempt = 1; ; attempt++) {
      try {
        return await p;
      } catch (err) {
        if (attempt > FETCH_RETRIES || signal?.aborted) throw err;
        const pause = attempt > 1 ? Math.min(5_000, 100 * 2 ** attempt) : 0;
        if (pause > 0) await wait(pause, signal).catch(() => {});
        p = refetch();
        p.catch(() => {});
      }
    }
  }

  /** A call other than get_block: refused for load (429), it is asked again after a short pause, a few times. */
  private async politely<T>(call: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await call();
      } catch (err) {
        if (classifyCallError(err) !== 'refused' || attempt >= REFUSAL_RETRIES) throw err;
        await wait(20 * attempt + Math.floor(Math.random() * 20));
      }
    }
  }

  /** Block n alone (get_block). */
  private async fetchOne(n: number, maxSupplySats: bigint): Promise<PreparedBlock> {
    return (await this.fetchTimed(n, n, maxSupplySats))[0] as PreparedBlock;
  }

  /**
   * Block n, fetched for the history path (not reached through the scan's chain of links), with its link to the chain
   * checked: its id (recomputed from its header, checkBlock) must be the `previous` of block n + 1's header, asked
   * separately (get_block_header; where n is the head, the head id). A node forging block n (another body under a
   * header hashed anew, or a wrong id) is a node fault; the next node is asked.
   */
  private async fetchLinked(n: number, maxSupplySats: bigint): Promise<PreparedBlock> {
    const [prepared, expected] = await Promise.all([this.fetchOne(n, maxSupplySats), this.politely(() => this.idOnChain(n))]);
    if (prepared.blockId !== expected) {
      const fault = `its id ${prepared.blockId ?? '(none)'} is not the previous of block ${n + 1} (${expected})`;
      this.nodeFault(n, prepared.servedBy, fault);
      throw new BaseError('NODE_FAULT', `Block ${n} is not on the chain: ${fault}.`);
    }
    return prepared;
  }

  /** The id block n has on the chain, as the next block's header names it (the head id where n is the head). */
  private async idOnChain(n: number): Promise<string> {
    const { node } = this.opts;
    const previous = await node.getBlockPrevious(n + 1);
    if (previous !== null) return previous;
    const dgp = await node.getDynamicGlobalProperties();
    if (dgp.headBlockNumber === n) return dgp.headBlockId;
    const again = await node.getBlockPrevious(n + 1);
    if (again === null)
      throw new BaseError('NODE_UNAVAILABLE', `No header of block ${n + 1} although the head is at ${dgp.headBlockNumber}.`);
    return again;
  }

  /** Whether a node grants the block api (get_blocks), learned at most once a minute. */
  private async blockApiGranted(): Promise<boolean> {
    if (Date.now() - this.blockApi.at > BLOCK_API_TTL_MS) {
      this.blockApi = { granted: await this.opts.node.hasBlockApi(), at: Date.now() };
    }
    return this.blockApi.granted;
  }

  /** fetch() with its outcome told to the serving node's adaptive window: one call, for blocks from..to. */
  private async fetchTimed(from: number, to: number, maxSupplySats: bigint): Promise<PreparedBlock[]> {
    this.open++;
    try {
      for (let attempt = 1; ; attempt++) {
        const t0 = Date.now();
        this.calls.blocks++;
        try {
          const prepared = await this.fetch(from, to, maxSupplySats);
          const servedBy = prepared[0]?.servedBy;
          if (servedBy !== undefined) this.currentNode = servedBy;
          this.window().record({ kind: 'ok', ms: Date.now() - t0 });
          return prepared;
        } catch (err) {
          const url = (err as { url?: unknown }).url;
          const kind = classifyCallError(err);
          (typeof url === 'string' ? this.windows.of(url) : this.window()).record({ kind });
          // A refusal for load did no work on the node: asked again after a short pause, in place, so the calls
          // behind it are not held up (the window has shrunk meanwhile). Anything else goes to the caller.
          if (kind !== 'refused' || attempt >= REFUSAL_RETRIES) throw err;
          await wait(20 * attempt + Math.floor(Math.random() * 20));
        }
      }
    } finally {
      this.open--;
    }
  }

  /**
   * Blocks from..to, prepared, from a node that serves them consistently: one get_block, or one get_blocks for a range
   * (where a node grants the block api). Every block, either way, is checked alike: a null for an irreversible block,
   * a block that is not the one asked for (its number, its id recomputed, its previous), or an amount no asset can
   * hold is a node fault: that node is failed over (and alarmed), the next is asked.
   */
  private async fetch(from: number, to: number, maxSupplySats: bigint): Promise<PreparedBlock[]> {
    const { node } = this.opts;
    const options = {
      required: true,
      check: (b: RawBlock) => {
        const fault = checkBlock(b.blockNum, b) ?? this.amountFault(b.blockNum, b, maxSupplySats);
        if (fault !== null) this.nodeFault(b.blockNum, b.servedBy, fault);
        return fault;
      },
    };
    const blocks = from === to ? [await node.getBlock(from, options)] : await this.getRange(from, to, options);
    return blocks.map((block, i) => {
      if (!block) throw new BaseError('RPC_ERROR', `No node returns block ${from + i} although it is irreversible.`);
      // Only the broker's operations are kept: the raw block is garbage once this returns.
      return prepareBlock(block, this.prepareContext());
    });
  }

  /**
   * Blocks from..to in one get_blocks where a node grants the block api. Where none that grants it answers (the only
   * one went away; the others never granted it, which is no fault of theirs), the range is read with get_block, one
   * call a block, from the nodes there are, and the scan keeps to get_block until the block api is asked about again.
   */
  private async getRange(from: number, to: number, options: GetBlockOptions): Promise<(RawBlock | null)[]> {
    const { node } = this.opts;
    try {
      return await node.getBlocks(from, to, options);
    } catch (err) {
      if (!isApiMissing(err)) throw err;
      this.blockApi = { granted: false, at: Date.now() };
      this.log.info({ from, to }, 'no node granting the block api answered: reading blocks with get_block');
      const blocks: (RawBlock | null)[] = [];
      for (let n = from; n <= to; n++) blocks.push(await node.getBlock(n, options));
      return blocks;
    }
  }

  private prepareContext(): PrepareContext {
    const { id, memoWif, retiredMemoWifs = [] } = this.opts.broker;
    return { brokerId: id, brokerMemoWif: memoWif, brokerRetiredMemoWifs: retiredMemoWifs };
  }

  /**
   * A block with broker operations is applied only when `quorum` nodes agree on it (confirmByQuorum.ts). A
   * disagreement is an alarm (once per block) and nothing of the block is applied; too few confirmations is a wait.
   * @throws BaseError('NODE_FAULT') either way, so the round ends before this block and is retried later
   */
  private async requireQuorum(prepared: PreparedBlock): Promise<void> {
    const { config, node } = this.opts;
    const verdict = await confirmByQuorum({
      node,
      prepared,
      quorum: config.quorum,
      prepare: (b) => prepareBlock(b, this.prepareContext()),
    });
    if (verdict.ok) return;
    const n = prepared.blockNum;
    if (verdict.kind === 'disagreement') {
      const key = `quorum|${n}|${verdict.disagreeing.map((d) => d.node).join(',')}`;
      if (!this.faultsSeen.has(key)) {
        this.faultsSeen.add(key);
        const { db } = this.opts;
        db.transaction(() => {
          appendAlarm(db, 0, 'node_disagreement', {
            block: n,
            agreeing: verdict.agreeing,
            disagreeing: verdict.disagreeing,
            note: 'nodes tell different things about a block that moves money: nothing of it is applied until they agree',
          });
        }).immediate();
        this.log.error({ block: n, agreeing: verdict.agreeing, disagreeing: verdict.disagreeing }, 'ALARM: nodes disagree about a block');
      }
      throw new BaseError('NODE_FAULT', `Nodes disagree about block ${n}; nothing of it was applied.`);
    }
    this.log.warn({ block: n, agreeing: verdict.agreeing, missing: verdict.missing, quorum: config.quorum }, 'waiting for the node quorum');
    throw new BaseError(
      'NODE_UNAVAILABLE',
      `Block ${n} is confirmed by ${verdict.agreeing.length} of the ${config.quorum} nodes required.`,
    );
  }

  /** An amount to or from the broker above the asset's max supply cannot exist on chain: the block is false. */
  private amountFault(n: number, b: RawBlock, maxSupplySats: bigint): string | null {
    // The same selection as prepareBlock (op type 0 to or from the broker), without decrypting memos: this runs on
    // every block, and memo decryption (ECDH) was half the CPU of applying a block with broker transfers.
    const broker = this.opts.broker.id;
    for (const [trxInBlock, tx] of b.transactions.entries()) {
      for (const [opInTrx, [type, op]] of tx.operations.entries()) {
        if (type !== 0 || (op.to !== broker && op.from !== broker)) continue;
        const sats = readSats(op.amount);
        if (sats !== null && sats > maxSupplySats)
          return `block ${n} trx ${trxInBlock} op ${opInTrx} moves ${sats} satoshis, above the max supply`;
      }
    }
    return null;
  }

  /** Records a node fault (alarm receipt once per node and block, written after the round) and cools the node down. */
  private nodeFault(block: number, url: string | undefined, fault: string): void {
    const key = `${url}|${block}|${fault}`;
    if (this.faultsSeen.has(key)) return;
    this.faultsSeen.add(key);
    this.pendingFaults.push({ block, node: url ?? 'unknown', fault });
    this.log.error({ block, node: url, fault }, 'node fault: the block is not applied from this node');
    if (url !== undefined) this.opts.node.rpc.markFaulty(url);
  }

  private writeFaultReceipts(): void {
    if (this.pendingFaults.length === 0) return;
    const faults = this.pendingFaults.splice(0);
    const { db } = this.opts;
    db.transaction(() => {
      for (const f of faults) appendAlarm(db, 0, 'node_fault', f);
    }).immediate();
    if (this.faultsSeen.size > 10_000) this.faultsSeen.clear();
  }

  /** BTS's max supply, read once from the asset object on chain: the cap of every amount from outside. */
  private async maxSupply(): Promise<bigint> {
    if (this.maxSupplySats === null) {
      const [asset] = await this.politely(() => this.opts.node.lookupAssetSymbols([BTS_ASSET_ID]));
      if (!asset || asset.maxSupply <= 0n) throw new BaseError('RPC_ERROR', `The node does not return asset ${BTS_ASSET_ID}.`);
      this.maxSupplySats = asset.maxSupply;
    }
    return this.maxSupplySats;
  }

  private async resolveNames(block: PreparedBlock): Promise<void> {
    const missing = [...new Set(block.ops.map((o) => (o.direction === 'in' ? o.fromId : o.toId)))].filter((id) => !this.names.has(id));
    if (missing.length === 0) return;
    const accounts = await this.politely(() => this.opts.node.getAccounts(missing));
    for (const a of accounts) if (a) this.names.set(a.id, a.name);
  }
}
