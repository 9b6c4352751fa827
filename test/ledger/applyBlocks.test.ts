import { afterEach, describe, expect, it } from 'vitest';
import { readCursor } from '../../src/db/cursor.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { parseMemo } from '../../src/domain/parseMemo.js';
import { isError } from '../../src/errors/BaseError.js';
import { applyBlocks } from '../../src/ledger/applyBlock.js';
import type { PreparedBlock } from '../../src/ledger/preparedBlock.js';
import { BROKER_ID, IDS, T0, testConfig } from '../audit/buildLedger.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
const dbs: Array<{ close(): void }> = [];
afterEach(() => {
  for (const d of dbs.splice(0)) d.close();
});

function setup() {
  const path = `${tempDir()}/apply.sqlite`;
  const db = openDatabase(path);
  dbs.push(db);
  const ctx = {
    db,
    config: testConfig(path),
    brokerId: BROKER_ID,
    managerIds: new Set<string>(),
    fundingIds: new Set<string>(),
    names: new Map(Object.entries(IDS).map(([name, id]) => [id, name])),
    now: T0,
    maxSupplySats: 360_057_050_210_207n,
  };
  return { db, ctx };
}

/** A block holding one six-month stake of 25 000 BTS from alice, in transaction `txId`. */
const stakeBlock = (blockNum: number, txId: string): PreparedBlock => ({
  blockNum,
  blockTime: T0 + blockNum * 3_000,
  ops: [
    {
      direction: 'in',
      blockNum,
      trxInBlock: 0,
      opInTrx: 0,
      fromId: IDS.alice,
      amountSats: 2_500_000_000n,
      assetId: '1.3.0',
      memo: parseMemo('{"type":"six_months"}'),
      memoText: '{"type":"six_months"}',
      txId,
    },
  ],
});

const count = (db: ReturnType<typeof setup>['db']) =>
  db.prepare('SELECT (SELECT count(*) FROM contracts) AS contracts, (SELECT count(*) FROM processed_ops) AS ops').get();

describe('applyBlocks: several blocks in one transaction', () => {
  it('applies every block, in order, and moves the cursor to the last', () => {
    const { db, ctx } = setup();
    const r = applyBlocks([stakeBlock(10, 'a'.repeat(40)), stakeBlock(11, 'b'.repeat(40)), stakeBlock(12, 'c'.repeat(40))], ctx);
    expect(r).toEqual({ handled: 3, skipped: 0 });
    expect(count(db)).toEqual({ contracts: 3, ops: 3 });
    expect(readCursor(db)?.blockNum).toBe(12);
  });

  it('a node fault inside the batch: the blocks before it are applied, nothing of it or after it, and the fault is thrown', () => {
    const { db, ctx } = setup();
    // Block 12 carries block 10's transaction again: a node served it under two numbers.
    let thrown: unknown;
    try {
      applyBlocks(
        [stakeBlock(10, 'a'.repeat(40)), stakeBlock(11, 'b'.repeat(40)), stakeBlock(12, 'a'.repeat(40)), stakeBlock(13, 'd'.repeat(40))],
        ctx,
      );
    } catch (err) {
      thrown = err;
    }
    expect(isError(thrown, 'NODE_FAULT')).toBe(true);
    expect(count(db)).toEqual({ contracts: 2, ops: 2 });
    expect(readCursor(db)?.blockNum).toBe(11);
  });

  it('a batch replayed after it was applied changes nothing', () => {
    const { db, ctx } = setup();
    const blocks = [stakeBlock(10, 'a'.repeat(40)), stakeBlock(11, 'b'.repeat(40))];
    applyBlocks(blocks, ctx);
    const before = count(db);
    expect(applyBlocks(blocks, ctx)).toEqual({ handled: 0, skipped: 0 });
    expect(count(db)).toEqual(before);
  });
});
