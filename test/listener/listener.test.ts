import { afterEach, describe, expect, it } from 'vitest';
import { encryptMemo } from '../../src/chain/bitshares/index.js';
import { readCursor } from '../../src/db/cursor.js';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { BTS, client, type ListenerFixture, startListenerFixture } from '../helpers/listenerFixture.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
let fx: ListenerFixture;
afterEach(async () => {
  await fx?.close();
});

const M = 2_592_000_000;
const rows = (cid: number) =>
  fx.db.prepare('SELECT type, amount, due, number, status FROM stakes WHERE contract_id = ? ORDER BY id').all(cid) as {
    type: string;
    amount: number;
    due: number;
    number: number;
    status: string;
  }[];
const payouts = () =>
  fx.db.prepare('SELECT purpose, recipient, amount_sats, state, source_key FROM payouts ORDER BY id').all() as {
    purpose: string;
    recipient: string;
    amount_sats: number;
    state: string;
    source_key: string;
  }[];
const events = () =>
  (fx.db.prepare('SELECT msg FROM receipts ORDER BY id').all() as { msg: string }[]).map(
    (r) => JSON.parse(r.msg) as Record<string, unknown>,
  );

describe('listener against the node simulator', () => {
  it.each([
    ['three_months', 3],
    ['six_months', 6],
    ['twelve_months', 12],
  ] as const)('a %s stake opens a contract with the exact rows, receipt and 1 BTS receipt intent', async (type, months) => {
    fx = await startListenerFixture(tempDir());
    client(fx.sim, 'alice');
    await fx.sim.clientTransfer({ from: 'alice', to: 'stakebts-broker', amountSats: BTS(50_000), memo: JSON.stringify({ type }) });
    await fx.settle();
    const [onChain] = fx.sim.transfersTo('stakebts-broker');
    const contract = fx.db.prepare('SELECT * FROM contracts').get() as {
      id: number;
      start: number;
      user: string;
      block: number;
      amount: number;
      months: number;
    };
    // The contract starts at the timestamp of the block holding the stake (UTC ms), per the simulator's own ledger.
    expect(contract).toMatchObject({ user: 'alice', amount: 50_000, months, block: onChain?.blockNum, start: onChain?.timeMs });
    const S = contract.start;
    expect(rows(contract.id)).toEqual([
      { type: `contract_${months}`, amount: 1, due: S, number: 0, status: 'pending' },
      { type: 'principal', amount: 50_000, due: S + months * M, number: 0, status: 'pending' },
      { type: 'penalty', amount: 7_500, due: S + months * M, number: 0, status: 'pending' },
      ...Array.from({ length: months }, (_, i) => ({
        type: 'interest',
        amount: 4_000,
        due: S + (i + 1) * M,
        number: i + 1,
        status: 'pending',
      })),
    ]);
    expect(payouts()).toEqual([
      {
        purpose: 'contract_receipt',
        recipient: 'alice',
        amount_sats: 100_000,
        state: 'pending',
        source_key: expect.stringMatching(/^stake:op:\d+:0:0\/contract_\d+\/0$/),
      },
    ]);
    const opened = events().find((e) => e.event === 'contract_opened');
    expect(opened).toMatchObject({ user: 'alice', contractId: contract.id, months, amountBts: 50_000, start: S, type });
    expect(verifyReceiptChain(fx.db).ok).toBe(true);
  });

  it('a stop settles all open contracts in one payment and a second stop pays nothing more', async () => {
    fx = await startListenerFixture(tempDir());
    client(fx.sim, 'bob');
    await fx.sim.clientTransfer({ from: 'bob', to: 'stakebts-broker', amountSats: BTS(100_000), memo: '{"type":"twelve_months"}' });
    await fx.sim.clientTransfer({ from: 'bob', to: 'stakebts-broker', amountSats: BTS(25_000), memo: 'three_months' });
    await fx.settle();
    await fx.sim.clientTransfer({ from: 'bob', to: 'stakebts-broker', amountSats: 123_456n, memo: 'stop' });
    await fx.sim.clientTransfer({ from: 'bob', to: 'stakebts-broker', amountSats: BTS(100), memo: 'stop' });
    await fx.settle();
    const stops = payouts().filter((p) => p.purpose === 'stop');
    expect(stops).toHaveLength(1);
    expect(stops[0]?.amount_sats).toBe(Number((85_000n + 21_250n) * 100_000n + 123_456n));
    const statuses = fx.db
      .prepare(
        `SELECT type, status, count(*) AS n FROM stakes WHERE type != 'contract_12' AND type != 'contract_3' GROUP BY type, status ORDER BY type, status`,
      )
      .all();
    expect(statuses).toEqual([
      { type: 'interest', status: 'aborted', n: 15 },
      { type: 'penalty', status: 'paid', n: 2 },
      { type: 'principal', status: 'premature', n: 2 },
    ]);
    // The second stop finds nothing open: invalid, refunded minus the fee.
    const refund = payouts().filter((p) => p.purpose === 'refund');
    expect(refund).toEqual([expect.objectContaining({ recipient: 'bob', amount_sats: Number(BTS(50)) })]);
    expect(
      events()
        .filter((e) => e.event === 'invalid')
        .map((e) => e.reason),
    ).toEqual(['stop_without_open_contract']);
  });

  it('gives each bad transfer its documented outcome and keeps scanning', async () => {
    fx = await startListenerFixture(tempDir());
    const carol = client(fx.sim, 'carol');
    fx.sim.fund('carol', 1_000_000n, '1.3.121');
    const broker = fx.broker;
    await fx.sim.clientTransfer({ from: 'carol', to: 'stakebts-broker', amountSats: BTS(1_000), memo: 'please stake' });
    await fx.sim.clientTransfer({ from: 'carol', to: 'stakebts-broker', amountSats: BTS(30_000), memo: 'six_months' });
    await fx.sim.clientTransfer({ from: 'carol', to: 'stakebts-broker', amountSats: 5_000n, memo: 'six_months', assetId: '1.3.121' });
    // Encrypted to a key that is not the broker's memo key (a stale key): undecryptable.
    const stale = encryptMemo({ fromWif: carol.memoWif, toPub: carol.activePub, text: 'six_months' });
    await fx.sim.clientTransfer({
      from: 'carol',
      to: 'stakebts-broker',
      amountSats: BTS(25_000),
      rawMemo: { ...stale, to: broker.memoPub },
    });
    await fx.sim.clientTransfer({
      from: 'carol',
      to: 'stakebts-broker',
      amountSats: BTS(500),
      memo: '{"type":"bittrex_to_broker","amount":500,"account":1}',
    });
    await fx.sim.clientTransfer({ from: 'carol', to: 'stakebts-broker', amountSats: BTS(55) });
    await fx.sim.clientTransfer({ from: 'carol', to: 'stakebts-broker', amountSats: BTS(25_000), plainMemo: '{"type":"three_months"}' });
    await fx.settle();
    const outcomes = (
      fx.db.prepare('SELECT outcome FROM processed_ops ORDER BY block_num, trx_in_block, op_in_trx').all() as { outcome: string }[]
    ).map((r) => r.outcome);
    expect(outcomes).toEqual([
      'invalid:memo_unknown_type',
      'invalid:amount_not_allowed',
      'unsupported_asset',
      'invalid:memo_undecryptable',
      'invalid:manager_type_from_non_manager',
      'invalid:no_memo',
      'new_contract',
    ]);
    expect(payouts().map((p) => [p.purpose, p.amount_sats])).toEqual([
      ['refund', Number(BTS(950))],
      ['refund', Number(BTS(29_950))],
      ['refund', Number(BTS(24_950))],
      ['refund', Number(BTS(450))],
      ['contract_receipt', Number(BTS(1))],
    ]);
    expect(events().find((e) => e.event === 'unsupported_asset')).toMatchObject({ user: 'carol', asset: '1.3.121', amountSats: '5000' });
  });

  it('replays nothing: a second scanner over the same blocks changes nothing', async () => {
    fx = await startListenerFixture(tempDir());
    client(fx.sim, 'dave');
    for (let i = 0; i < 5; i++)
      await fx.sim.clientTransfer({ from: 'dave', to: 'stakebts-broker', amountSats: BTS(25_000), memo: 'three_months' });
    await fx.settle();
    const count = () =>
      fx.db.prepare('SELECT (SELECT count(*) FROM stakes) s, (SELECT count(*) FROM receipts) r, (SELECT count(*) FROM payouts) p').get();
    const before = count();
    // Force a replay of already-applied blocks by handing the new scanner's blocks straight to apply.
    const { applyBlock } = await import('../../src/ledger/applyBlock.js');
    const { prepareBlock } = await import('../../src/listener/prepareBlock.js');
    for (let n = fx.config.startBlock; n <= (readCursor(fx.db)?.blockNum ?? 0); n++) {
      const block = await fx.node.getBlock(n);
      if (!block) continue;
      const prepared = prepareBlock(block, { brokerId: fx.broker.id, brokerMemoWif: fx.broker.memoWif });
      const r = applyBlock(prepared, {
        db: fx.db,
        config: fx.config,
        brokerId: fx.broker.id,
        managerIds: new Set(),
        fundingIds: new Set(),
        names: new Map(),
        now: block.timestampMs,
        maxSupplySats: 360_057_050_210_207n,
      });
      expect(r.handled).toBe(0);
    }
    expect(count()).toEqual(before);
    expect(before).toMatchObject({ s: 5 * 6, p: 5 });
  });

  it('never scans past the irreversible block', async () => {
    fx = await startListenerFixture(tempDir());
    client(fx.sim, 'erin');
    await fx.sim.clientTransfer({ from: 'erin', to: 'stakebts-broker', amountSats: BTS(25_000), memo: 'three_months' });
    fx.sim.produceBlocks(1);
    await fx.scanner.scanOnce();
    expect(fx.db.prepare('SELECT count(*) AS n FROM contracts').get()).toEqual({ n: 0 });
    expect(readCursor(fx.db)?.blockNum ?? 0).toBeLessThanOrEqual(fx.sim.lastIrreversibleBlockNumber);
    expect(fx.sim.txBlock(fx.sim.transfersTo('stakebts-broker')[0]?.txId ?? '')).toBeGreaterThan(fx.sim.lastIrreversibleBlockNumber);
    await fx.settle();
    expect(fx.db.prepare('SELECT count(*) AS n FROM contracts').get()).toEqual({ n: 1 });
  });
});

describe('listener on both get_block shapes', () => {
  it.each([
    ['with block_id, signing_key and transaction_ids (signed_block_with_info)', false],
    ["without them (bitshares-core 7's database api, older nodes)", true],
  ] as const)(
    '%s: a 25 000 BTS stake (an int64 string on the wire) opens its contract; an outgoing transfer is keyed by its tx id',
    async (_shape, omitBlockInfo) => {
      fx = await startListenerFixture(tempDir(), {}, { sim: { omitBlockInfo } });
      client(fx.sim, 'alice');
      await fx.sim.clientTransfer({ from: 'alice', to: 'stakebts-broker', amountSats: BTS(25_000), memo: '{"type":"six_months"}' });
      fx.sim.fund('stakebts-broker', BTS(10));
      const out = await fx.sim.clientTransfer({ from: 'stakebts-broker', to: 'alice', amountSats: BTS(1) });
      await fx.settle();
      const blockNum = fx.sim.txBlock(out.txId)!;
      const raw = fx.sim.state.block(blockNum)!;
      expect('transaction_ids' in raw).toBe(!omitBlockInfo);
      expect(
        (raw.transactions as Array<{ operations: [number, { amount: { amount: unknown } }][] }>)[0]!.operations[0]![1].amount.amount,
      ).toBe('2500000000');
      expect((await fx.node.getBlock(blockNum))!.blockId).toBe(omitBlockInfo ? undefined : fx.sim.state.blockId(blockNum));
      expect(fx.db.prepare('SELECT user, amount, months FROM contracts').all()).toEqual([{ user: 'alice', amount: 25_000, months: 6 }]);
      expect(fx.db.prepare('SELECT tx_id, block_num, amount_sats FROM chain_transfers_out').all()).toEqual([
        { tx_id: out.txId, block_num: blockNum, amount_sats: Number(BTS(1)) },
      ]);
      expect(readCursor(fx.db)?.blockNum).toBe(fx.sim.lastIrreversibleBlockNumber);
    },
  );
});
