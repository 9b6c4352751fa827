import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import type { NodeClient, RawBlock } from '../chain/nodeClient/index.js';
import type { Config } from '../config/index.js';
import { appendAlarm } from '../db/alarms.js';
import { readCursor, writeCursor } from '../db/cursor.js';
import { BTS_ASSET_ID } from '../domain/money.js';
import { BaseError } from '../errors/BaseError.js';
import { applyBlock } from '../ledger/applyBlock.js';
import { silentLogger } from '../log.js';
import { wait } from '../utils/promise/index.js';
import { checkBlock } from './checkBlock.js';
import { confirmByQuorum } from './confirmByQuorum.js';
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
  private readonly faultsSeen = new Set<string>();
  private readonly pendingFaults: Array<{ block: number; node: string; fault: string }> = [];
  /** A round has applied every block up to the irreversible head it read: nothing on chain is unseen but the newest. */
  caughtUp = false;
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
    const stored = readCursor(db);
    const cursor = stored?.blockNum ?? config.startBlock - 1;
    if (lib <= cursor) {
      this.caughtUp = true;
      return { from: cursor + 1, to: cursor, applied: 0, lib, libTime: this.lastIrreversible?.time ?? 0 };
    }
    const maxSupplySats = await this.maxSupply();
    const libPrepared = await this.fetch(lib, maxSupplySats);
    this.lastIrreversible = { blockNum: lib, time: libPrepared.blockTime };
    const from = cursor + 1;

    const window = Math.max(1, this.opts.window ?? config.listener.window);
    const inflight = new Map<number, Promise<PreparedBlock>>();
    let next = from;
    const fill = () => {
      while (next <= lib && inflight.size < window) {
        const n = next++;
        const p = n === lib ? Promise.resolve(libPrepared) : this.fetch(n, maxSupplySats);
        p.catch(() => {}); // awaited in order below; this only keeps an early failure from going unhandled
        inflight.set(n, p);
      }
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
      for (let n = from; n <= lib; n++) {
        if (signal?.aborted) break;
        fill();
        const prepared = await (inflight.get(n) as Promise<PreparedBlock>);
        inflight.delete(n);
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
          if (n - lastFlushed >= CURSOR_BATCH || n === lib) flush();
          applied++;
          this.report(from, lib, n, applied, started);
          continue;
        }
        if (config.quorum > 1) await this.requireQuorum(prepared);
        await this.resolveNames(prepared);
        applyBlock(prepared, {
          db,
          config,
          brokerId: this.opts.broker.id,
          managerIds: this.opts.managerIds,
          fundingIds: this.opts.fundingIds,
          names: this.names,
          now: libPrepared.blockTime,
          maxSupplySats,
          logger: this.log,
        });
        idleCursor = null;
        lastFlushed = n;
        applied++;
        this.report(from, lib, n, applied, started);
      }
      flush();
      if (from + applied - 1 === lib) this.caughtUp = true;
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
    while (!signal.aborted) {
      try {
        const round = await this.scanOnce(signal);
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

  private report(from: number, to: number, current: number, done: number, started: number): void {
    if (!this.opts.onProgress || (done % 500 !== 0 && current !== to)) return;
    const secs = Math.max(0.001, (Date.now() - started) / 1000);
    this.opts.onProgress({ from, to, done, current, blocksPerSec: done / secs });
  }

  /**
   * Block n, prepared, from a node that serves it consistently: a null for an irreversible block, a block that is not
   * block n, or an amount no asset can hold is a node fault: that node is failed over (and alarmed), the next is asked.
   */
  private async fetch(n: number, maxSupplySats: bigint): Promise<PreparedBlock> {
    const block = await this.opts.node.getBlock(n, {
      required: true,
      check: (b: RawBlock) => {
        const fault = checkBlock(n, b) ?? this.amountFault(n, b, maxSupplySats);
        if (fault !== null) this.nodeFault(n, b.servedBy, fault);
        return fault;
      },
    });
    if (!block) throw new BaseError('RPC_ERROR', `No node returns block ${n} although it is irreversible.`);
    return prepareBlock(block, { brokerId: this.opts.broker.id, brokerMemoWif: this.opts.broker.memoWif });
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
      prepare: (b) => prepareBlock(b, { brokerId: this.opts.broker.id, brokerMemoWif: this.opts.broker.memoWif }),
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
    const p = prepareBlock(b, { brokerId: this.opts.broker.id, brokerMemoWif: this.opts.broker.memoWif });
    const op = p.ops.find((o) => o.amountSats > maxSupplySats);
    return op ? `block ${n} trx ${op.trxInBlock} op ${op.opInTrx} moves ${op.amountSats} satoshis, above the max supply` : null;
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
