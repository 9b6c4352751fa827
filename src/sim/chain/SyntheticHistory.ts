import { createHash } from 'node:crypto';
import { type ChainMemo, encryptMemo, generateKeyPair, transactionId } from '../../chain/bitshares/index.js';
import { mixSeed, prng, randomHex } from '../../utils/prng.js';
import { fcInt64, fcTime, fcUint64, hashHex, refBlockPrefix } from './fcJson.js';

/** A transfer to the broker planted in synthetic history, resolved to ids and keys. */
export type PlantedTransfer = {
  block: number;
  fromId: string;
  fromMemoWif: string;
  toId: string;
  toMemoPub: string;
  amountSats: bigint;
  feeSats: bigint;
  memo?: string;
};

/** Where a planted transfer landed, with its final JSON facts. */
export type PlacedTransfer = PlantedTransfer & {
  trxInBlock: number;
  txId: string;
  memoJson: ChainMemo | undefined;
  timeMs: number;
  /** The operation as it sits in the block (`[0, {...}]`). */
  opJson: unknown;
  /** Its operation history number (1.11.N): every operation of every earlier block takes one, from 0. */
  opNum: number;
};

export type SyntheticHistoryConfig = {
  blocks: number;
  opsPerBlock: number;
  seed: number;
  /** Salt for block ids (the chain id), so TaPoS refs match `blockId()`. */
  salt: string;
  genesisTimeMs: number;
  blockTimeMs: number;
  planted: PlantedTransfer[];
};

const ZERO_ID = '0'.repeat(40);

/**
 * Pre-existing history served lazily: block n is generated from (seed, n) on request, never stored,
 * so 200 000 blocks cost no memory. Unrelated transfers and limit orders fill each block; the few
 * planted broker transfers (memo encrypted once, up front) sit at deterministic positions.
 */
export class SyntheticHistory {
  readonly blocks: number;
  private readonly planted = new Map<number, Array<{ tx: Record<string, unknown>; txId: string; pos: number }>>();
  readonly placed: PlacedTransfer[] = [];
  private readonly memoKeys: [string, string];

  constructor(private readonly cfg: SyntheticHistoryConfig) {
    this.blocks = cfg.blocks;
    this.memoKeys = [generateKeyPair(`synthetic-a-${cfg.seed}`).pub, generateKeyPair(`synthetic-b-${cfg.seed}`).pub];
    for (const p of cfg.planted) {
      if (!(p.block >= 1 && p.block <= cfg.blocks)) throw new Error(`planted transfer block ${p.block} outside 1..${cfg.blocks}`);
      const rand = prng(mixSeed(cfg.seed ^ 0x5eed, p.block + this.placed.length));
      const memoJson =
        p.memo === undefined
          ? undefined
          : encryptMemo({
              fromWif: p.fromMemoWif,
              toPub: p.toMemoPub,
              text: p.memo,
              nonce: String(BigInt(Math.floor(rand() * 2 ** 48)) * 256n + 7n),
            });
      const op: Record<string, unknown> = {
        fee: { amount: fcInt64(p.feeSats), asset_id: '1.3.0' },
        from: p.fromId,
        to: p.toId,
        amount: { amount: fcInt64(p.amountSats), asset_id: '1.3.0' },
        ...(memoJson ? { memo: { ...memoJson, nonce: fcUint64(BigInt(memoJson.nonce)) } } : {}),
        extensions: [],
      };
      const tx = this.txShell(p.block, [[0, op]], randomHex(rand, 65));
      const txId = transactionId(tx) ?? hashHex(cfg.salt, 'planted', p.block, this.placed.length).slice(0, 40);
      const list = this.planted.get(p.block) ?? [];
      const pos = Math.floor(rand() * (cfg.opsPerBlock + list.length + 1));
      list.push({ tx, txId, pos });
      this.planted.set(p.block, list);
      this.placed.push({
        ...p,
        trxInBlock: -1,
        txId,
        memoJson,
        timeMs: this.timeMs(p.block),
        opJson: [0, op],
        opNum: -1,
      });
    }
    // Resolve final positions by laying the blocks out once; each transaction holds one operation.
    for (const placed of this.placed) {
      const ids = this.layout(placed.block).ids;
      placed.trxInBlock = ids.indexOf(placed.txId);
      placed.opNum = this.opsBefore(placed.block) + placed.trxInBlock;
    }
  }

  /** Operations in blocks 1..n-1 (opsPerBlock filler each, plus the planted ones). */
  opsBefore(n: number): number {
    return (n - 1) * this.cfg.opsPerBlock + this.cfg.planted.filter((p) => p.block < n).length;
  }

  /** Operations in the whole synthetic chain: the first live operation's number. */
  get totalOps(): number {
    return this.opsBefore(this.blocks + 1);
  }

  timeMs(n: number): number {
    return this.cfg.genesisTimeMs + n * this.cfg.blockTimeMs;
  }

  /** Ids of blocks 1..idsKnown, 20 bytes each: a block's id hashes its header, which holds the previous id. */
  private ids = Buffer.alloc(0);
  private idsKnown = 0;

  /**
   * Block n's id as a node computes it (bitshares-core `signed_block_header::id()`: sha224 over the packed signed
   * header, first 4 bytes = the block number). Each id depends on the one before, so ids are computed in order once
   * and kept (20 bytes a block), however blocks are then asked for. The packing here is the one computeBlockId does
   * (the simulator test checks every served block against it); it works on bytes because a million blocks must cost
   * seconds, not minutes.
   */
  blockId(n: number): string {
    if (n <= 0) return ZERO_ID;
    if (n > this.idsKnown) {
      const upTo = Math.max(n, Math.min(this.cfg.blocks, this.idsKnown * 2 + 1024));
      const grown = Buffer.alloc(upTo * 20);
      this.ids.copy(grown, 0, 0, this.idsKnown * 20);
      this.ids = grown;
      const packed = Buffer.alloc(20 + 4 + 5 + 20 + 1 + 65);
      for (let k = this.idsKnown + 1; k <= upTo; k++) {
        let at = 0;
        if (k > 1) this.ids.copy(packed, 0, (k - 2) * 20, (k - 1) * 20);
        else packed.fill(0, 0, 20);
        at = packed.writeUInt32LE(this.timeMs(k) / 1000, 20);
        let w = (k % 21) + 1; // witness instance as fc's varint
        do {
          packed[at++] = (w & 0x7f) | (w > 0x7f ? 0x80 : 0);
          w >>>= 7;
        } while (w > 0);
        const { merkle, signature } = this.headerBytes(k);
        at += merkle.copy(packed, at);
        packed[at++] = 0; // no header extensions
        at += signature.copy(packed, at);
        const digest = createHash('sha224').update(packed.subarray(0, at)).digest();
        digest.writeUInt32BE(k, 0);
        digest.copy(this.ids, (k - 1) * 20, 0, 20);
      }
      this.idsKnown = upTo;
    }
    return this.ids.subarray((n - 1) * 20, n * 20).toString('hex');
  }

  /** Merkle root and witness signature of block n: deterministic stand-ins (nothing here checks them). */
  private headerBytes(n: number): { merkle: Buffer; signature: Buffer } {
    const hasTxs = this.cfg.opsPerBlock > 0 || this.planted.has(n);
    const h = createHash('sha512').update(`${this.cfg.salt}|header|${n}`).digest();
    return {
      merkle: hasTxs ? h.subarray(0, 20) : Buffer.alloc(20),
      signature: Buffer.concat([Buffer.from([0x1f]), h]),
    };
  }

  /** The signed header of block n (everything its id hashes), as JSON. */
  private header(n: number, previous: string) {
    const { merkle, signature } = this.headerBytes(n);
    return {
      previous,
      timestamp: fcTime(this.timeMs(n)),
      witness: `1.6.${(n % 21) + 1}`,
      transaction_merkle_root: merkle.toString('hex'),
      extensions: [],
      witness_signature: signature.toString('hex'),
    };
  }

  private txShell(n: number, operations: unknown[], sig: string): Record<string, unknown> {
    const ref = Math.max(1, n - 1);
    return {
      ref_block_num: ref & 0xffff,
      ref_block_prefix: refBlockPrefix(this.blockId(ref)),
      expiration: fcTime(this.timeMs(n) + 60_000),
      operations,
      extensions: [],
      signatures: [sig],
    };
  }

  private layout(n: number): { txs: Record<string, unknown>[]; ids: string[] } {
    const { opsPerBlock, salt } = this.cfg;
    const rand = prng(mixSeed(this.cfg.seed, n));
    const txs: Record<string, unknown>[] = [];
    const ids: string[] = [];
    for (let i = 0; i < opsPerBlock; i++) {
      const fee = {
        amount: 40_000 + Math.floor(rand() * 20_000),
        asset_id: '1.3.0',
      };
      const a = `1.2.${1_000_000 + Math.floor(rand() * 1_000_000)}`;
      let op: unknown;
      let result: unknown;
      if (rand() < 0.75) {
        const usd = rand() < 0.2;
        const big = rand() < 0.1;
        const amount = big ? fcInt64(BigInt(Math.floor(rand() * 1e12)) + 0x80000000n) : 1 + Math.floor(rand() * 1e9);
        const withMemo = rand() < 0.5;
        op = [
          0,
          {
            fee,
            from: a,
            to: `1.2.${1_000_000 + Math.floor(rand() * 1_000_000)}`,
            amount: { amount, asset_id: usd ? '1.3.121' : '1.3.0' },
            ...(withMemo
              ? {
                  memo: {
                    from: this.memoKeys[0],
                    to: this.memoKeys[1],
                    nonce: `${1_000_000_000_000 + Math.floor(rand() * 1e14)}`,
                    message: randomHex(rand, 32),
                  },
                }
              : {}),
            extensions: [],
          },
        ];
        result = [0, {}];
      } else {
        op = [
          1,
          {
            fee,
            seller: a,
            amount_to_sell: {
              amount: 1 + Math.floor(rand() * 1e8),
              asset_id: '1.3.0',
            },
            min_to_receive: {
              amount: 1 + Math.floor(rand() * 1e6),
              asset_id: '1.3.121',
            },
            expiration: fcTime(this.timeMs(n) + 86_400_000 * 30),
            fill_or_kill: false,
            extensions: [],
          },
        ];
        result = [1, `1.7.${n * 16 + i}`];
      }
      txs.push({
        ...this.txShell(n, [op], hashHex(salt, 'sig', n, i) + hashHex(salt, 'sig2', n, i).slice(0, 66)),
        operation_results: [result],
      });
      ids.push(hashHex(salt, 'tx', n, i).slice(0, 40));
    }
    for (const p of this.planted.get(n) ?? []) {
      const pos = Math.min(p.pos, txs.length);
      txs.splice(pos, 0, { ...p.tx, operation_results: [[0, {}]] });
      ids.splice(pos, 0, p.txId);
    }
    return { txs, ids };
  }

  /** Block n (1..blocks) in get_block's shape, generated now. */
  block(n: number): Record<string, unknown> {
    const { txs, ids } = this.layout(n);
    return {
      ...this.header(n, this.blockId(n - 1)),
      transactions: txs,
      block_id: this.blockId(n),
      signing_key: this.memoKeys[0],
      transaction_ids: ids,
    };
  }
}
