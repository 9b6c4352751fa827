import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { NodeClient, RawBlock } from '../chain/nodeClient/index.js';
import type { Config } from '../config/index.js';
import { readCursor, writeCursor } from '../db/cursor.js';
import { BTS_ASSET_ID } from '../domain/money.js';
import { BaseError } from '../errors/BaseError.js';
import { silentLogger } from '../log.js';
import { wait } from '../utils/promise/index.js';
import { applyBlock } from './applyBlock.js';
import { type PreparedBlock, prepareBlock } from './prepareBlock.js';

export type ScanProgress = { from: number; to: number; done: number; current: number; blocksPerSec: number };

export type BlockScannerOptions = {
  db: Database;
  node: NodeClient;
  config: Config;
  broker: { id: string; memoWif: string };
  managerIds: ReadonlySet<string>;
  fundingIds: ReadonlySet<string>;
  /** Concurrent get_block calls. @default config.listener.window */
  window?: number;
  logger?: Logger;
  onProgress?: (p: ScanProgress) => void;
};

/** Empty blocks between two cursor writes while catching up. */
const CURSOR_BATCH = 1_000;

export type ScanRound = { from: number; to: number; applied: number; lib: number; libTime: number };

/**
 * Scans irreversible blocks: cursor+1 … last_irreversible_block_num, never past it. Blocks are fetched through a
 * window of concurrent calls and applied strictly in order, each in its own transaction with the cursor.
 */
export class BlockScanner {
  private readonly names = new Map<string, string>();
  private readonly log: Logger;
  private maxSupplySats: bigint | null = null;
  /** Last irreversible block number and time seen: "now" for the payout loop. */
  lastIrreversible: { blockNum: number; time: number } | null = null;

  constructor(private readonly opts: BlockScannerOptions) {
    this.log = (opts.logger ?? silentLogger).child({ mod: 'listener' });
  }

  /** One round up to the current irreversible block. */
  async scanOnce(signal?: AbortSignal): Promise<ScanRound> {
    const { db, node, config } = this.opts;
    const dgp = await node.getDynamicGlobalProperties();
    const lib = dgp.lastIrreversibleBlockNum;
    const cursor = readCursor(db)?.blockNum ?? config.startBlock - 1;
    if (lib <= cursor) return { from: cursor + 1, to: cursor, applied: 0, lib, libTime: this.lastIrreversible?.time ?? 0 };
    const libBlock = await node.getBlock(lib);
    if (!libBlock) throw new BaseError('RPC_ERROR', `The node does not return its own irreversible block ${lib}.`);
    this.lastIrreversible = { blockNum: lib, time: libBlock.timestampMs };
    const from = cursor + 1;

    const window = Math.max(1, this.opts.window ?? config.listener.window);
    const inflight = new Map<number, Promise<PreparedBlock>>();
    let next = from;
    const fill = () => {
      while (next <= lib && inflight.size < window) {
        const n = next++;
        const p = this.fetch(n, n === lib ? libBlock : undefined);
        p.catch(() => {}); // awaited in order below; this only keeps an early failure from going unhandled
        inflight.set(n, p);
      }
    };
    const started = Date.now();
    let applied = 0;
    let idleCursor: { blockNum: number; blockTime: number } | null = null;
    let lastFlushed = cursor;
    const flush = () => {
      if (!idleCursor) return;
      const c = idleCursor;
      db.transaction(() => {
        if ((readCursor(db)?.blockNum ?? -1) < c.blockNum) writeCursor(db, c);
      }).immediate();
      lastFlushed = c.blockNum;
      idleCursor = null;
    };
    for (let n = from; n <= lib; n++) {
      if (signal?.aborted) break;
      fill();
      const prepared = await (inflight.get(n) as Promise<PreparedBlock>);
      inflight.delete(n);
      if (prepared.ops.length === 0) {
        // Nothing of ours in this block: only the cursor would move. Batch those moves (a replayed empty block is
        // harmless) instead of one fsync'ed transaction per block.
        idleCursor = { blockNum: prepared.blockNum, blockTime: prepared.blockTime };
        if (n - lastFlushed >= CURSOR_BATCH || n === lib) flush();
        applied++;
        this.report(from, lib, n, applied, started);
        continue;
      }
      await this.resolveNames(prepared);
      applyBlock(prepared, {
        db,
        config,
        brokerId: this.opts.broker.id,
        managerIds: this.opts.managerIds,
        fundingIds: this.opts.fundingIds,
        names: this.names,
        now: libBlock.timestampMs,
        maxSupplySats: await this.maxSupply(),
        logger: this.log,
      });
      idleCursor = null;
      lastFlushed = n;
      applied++;
      this.report(from, lib, n, applied, started);
    }
    flush();
    return { from, to: from + applied - 1, applied, lib, libTime: libBlock.timestampMs };
  }

  /**
   * Scans until aborted: rounds back to back while behind, one per poll interval when caught up. Node failures
   * are logged and retried with backoff; the scan never dies of bad input.
   */
  async run(signal: AbortSignal): Promise<void> {
    let failures = 0;
    while (!signal.aborted) {
      try {
        const round = await this.scanOnce(signal);
        failures = 0;
        if (round.applied > 0) this.log.info({ from: round.from, to: round.to, lib: round.lib }, 'scanned irreversible blocks');
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

  private report(from: number, to: number, current: number, done: number, started: number): void {
    if (!this.opts.onProgress || (done % 500 !== 0 && current !== to)) return;
    const secs = Math.max(0.001, (Date.now() - started) / 1000);
    this.opts.onProgress({ from, to, done, current, blocksPerSec: done / secs });
  }

  private async fetch(n: number, known?: RawBlock): Promise<PreparedBlock> {
    const block = known ?? (await this.opts.node.getBlock(n));
    if (!block) throw new BaseError('RPC_ERROR', `The node has no block ${n} although it is irreversible.`);
    return prepareBlock(block, { brokerId: this.opts.broker.id, brokerMemoWif: this.opts.broker.memoWif });
  }

  /** BTS's max supply, read once from the asset object on chain: the cap of every amount from outside. */
  private async maxSupply(): Promise<bigint> {
    if (this.maxSupplySats === null) {
      const [asset] = await this.opts.node.lookupAssetSymbols([BTS_ASSET_ID]);
      if (!asset || asset.maxSupply <= 0n) throw new BaseError('RPC_ERROR', `The node does not return asset ${BTS_ASSET_ID}.`);
      this.maxSupplySats = asset.maxSupply;
    }
    return this.maxSupplySats;
  }

  private async resolveNames(block: PreparedBlock): Promise<void> {
    const missing = [...new Set(block.ops.map((o) => (o.direction === 'in' ? o.fromId : o.toId)))].filter((id) => !this.names.has(id));
    if (missing.length === 0) return;
    const accounts = await this.opts.node.getAccounts(missing);
    for (const a of accounts) if (a) this.names.set(a.id, a.name);
  }
}
