import { afterEach, describe, expect, it } from 'vitest';
import { readCursor } from '../../src/db/cursor.js';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { collectDbStatus } from '../../src/status/collectDbStatus.js';
import { prng } from '../../src/utils/prng.js';
import { BTS, client, type ListenerFixture, startListenerFixture } from '../helpers/listenerFixture.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
let fx: ListenerFixture;
afterEach(async () => {
  await fx?.close();
});

const withBittrex = { bittrex: { accounts: [{ index: 1, depositMemo: 'deposit-1' }] } };
const outcomes = () =>
  (fx.db.prepare('SELECT outcome FROM processed_ops ORDER BY block_num, trx_in_block, op_in_trx').all() as { outcome: string }[]).map(
    (r) => r.outcome,
  );
const lib = () => fx.sim.lastIrreversibleBlockNumber;

describe('one bad operation never stops the scan', () => {
  it('a manager memo with a prototype key or an amount beyond the max supply is refused with a receipt; the scan goes on', async () => {
    fx = await startListenerFixture(tempDir(), withBittrex);
    fx.sim.fund('boss', BTS(1_000_000));
    client(fx.sim, 'alice');
    for (const type of ['constructor', '__proto__', 'toString', 'hasOwnProperty']) {
      await fx.sim.clientTransfer({
        from: 'boss',
        to: 'stakebts-broker',
        amountSats: BTS(500),
        memo: JSON.stringify({ type, amount: 500, account: 1 }),
      });
    }
    // 999 999 999 999 999 BTS overflows int64 satoshis; far above BTS's max supply (about 3.6 billion BTS).
    await fx.sim.clientTransfer({
      from: 'boss',
      to: 'stakebts-broker',
      amountSats: BTS(500),
      memo: '{"type":"bittrex_to_broker","amount":"999999999999999","account":1}',
    });
    await fx.sim.clientTransfer({
      from: 'boss',
      to: 'stakebts-broker',
      amountSats: BTS(500),
      memo: '{"type":"broker_to_bittrex","amount":3600570503,"account":1}',
    });
    await fx.settle();
    await fx.sim.clientTransfer({ from: 'alice', to: 'stakebts-broker', amountSats: BTS(25_000), memo: 'three_months' });
    await fx.settle();
    expect(readCursor(fx.db)?.blockNum).toBe(lib());
    expect(outcomes()).toEqual([
      'invalid:memo_unknown_type',
      'invalid:memo_unknown_type',
      'invalid:memo_unknown_type',
      'invalid:memo_unknown_type',
      'invalid:admin_bad_amount',
      'invalid:admin_bad_amount',
      'new_contract',
    ]);
    expect(fx.db.prepare('SELECT count(*) AS n FROM admin_actions').get()).toEqual({ n: 0 });
    expect(verifyReceiptChain(fx.db).ok).toBe(true);
  });

  it('an operation that throws gets invalid:internal with the error in its receipt; the rest of its block is applied', async () => {
    fx = await startListenerFixture(tempDir());
    client(fx.sim, 'alice');
    client(fx.sim, 'mallory');
    // Plant a fault the code cannot foresee: any contract of mallory's fails to insert.
    fx.db.exec(
      `CREATE TRIGGER test_fault BEFORE INSERT ON contracts WHEN NEW.user = 'mallory' BEGIN SELECT RAISE(ABORT, 'planted fault'); END`,
    );
    await fx.sim.clientTransfer({ from: 'alice', to: 'stakebts-broker', amountSats: BTS(25_000), memo: 'three_months' });
    await fx.sim.clientTransfer({ from: 'mallory', to: 'stakebts-broker', amountSats: BTS(25_000), memo: 'three_months' });
    await fx.sim.clientTransfer({ from: 'alice', to: 'stakebts-broker', amountSats: BTS(50_000), memo: 'six_months' });
    await fx.settle();
    expect(readCursor(fx.db)?.blockNum).toBe(lib());
    expect(outcomes()).toEqual(['new_contract', 'invalid:internal', 'new_contract']);
    const contracts = fx.db.prepare('SELECT user, amount FROM contracts ORDER BY id').all();
    expect(contracts).toEqual([
      { user: 'alice', amount: 25_000 },
      { user: 'alice', amount: 50_000 },
    ]);
    // Nothing of the failed operation survives but its claim and its receipt: no payment, no half-written contract.
    expect(fx.db.prepare(`SELECT count(*) AS n FROM payouts WHERE recipient = 'mallory'`).get()).toEqual({ n: 0 });
    const receipt = (
      fx.db.prepare(`SELECT msg FROM receipts WHERE json_extract(msg, '$.event') = 'incoming_failed'`).all() as { msg: string }[]
    ).map((r) => JSON.parse(r.msg) as Record<string, unknown>);
    expect(receipt).toEqual([expect.objectContaining({ user: 'mallory', error: expect.stringContaining('planted fault') })]);
    expect(collectDbStatus(fx.db).internalErrors).toBe(1);
    // A replay of the same blocks changes nothing (the failed operation stays claimed).
    const before = fx.db.prepare('SELECT count(*) AS n FROM receipts').get();
    await fx.newScanner().scanOnce();
    expect(fx.db.prepare('SELECT count(*) AS n FROM receipts').get()).toEqual(before);
    expect(verifyReceiptChain(fx.db).ok).toBe(true);
  });

  it('fuzz: 600 hostile transfers from clients and the manager never stop the scan; each is handled exactly once', async () => {
    fx = await startListenerFixture(tempDir(), withBittrex);
    fx.sim.fund('boss', BTS(5_000_000));
    const senders = ['boss', 'fuzz1', 'fuzz2', 'fuzz3'];
    for (const s of senders.slice(1)) client(fx.sim, s);
    const rand = prng(20_261_202);
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
    const keys = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable'];
    const types = [
      ...keys,
      'stop',
      'six_months',
      'three_months',
      'twelve_months',
      'funding',
      'bittrex_to_broker',
      'broker_to_bittrex',
      'loan_to_broker',
      'bmg_to_bittrex',
    ];
    const numbers: unknown[] = [
      0,
      -1,
      1,
      400,
      399,
      1e21,
      2 ** 53,
      -(2 ** 63),
      '999999999999999',
      '18446744073709551616',
      '1e9',
      1.5,
      null,
      true,
      [],
      {},
      'NaN',
    ];
    const memo = (): string | undefined => {
      switch (Math.floor(rand() * 8)) {
        case 0:
          return undefined;
        case 1:
          return JSON.stringify({ type: pick(types), amount: pick(numbers), account: pick(numbers) });
        case 2:
          return JSON.stringify({ [pick(keys)]: { type: pick(types) }, type: pick(types) });
        case 3:
          return pick(types);
        case 4:
          return JSON.stringify(pick(types));
        case 5:
          return '['.repeat(Math.floor(rand() * 600)) + ']'.repeat(Math.floor(rand() * 600));
        case 6:
          return Array.from({ length: Math.floor(rand() * 40) }, () => String.fromCharCode(Math.floor(rand() * 0xffff))).join('');
        default:
          return `{"type":"${pick(types)}","amount":${pick(['1e400', '-0', '0x10', '9'.repeat(40)])},"account":1}`;
      }
    };
    const amounts = [1n, 1_000n, BTS(10), BTS(61), BTS(400), BTS(500), BTS(25_000), BTS(25_000) + 1n, BTS(50_000)];
    let sent = 0;
    for (let round = 0; round < 30; round++) {
      for (let i = 0; i < 20; i++) {
        const m = memo();
        await fx.sim.clientTransfer({
          from: pick(senders),
          to: 'stakebts-broker',
          amountSats: pick(amounts),
          ...(m === undefined ? {} : { memo: m }),
        });
        sent++;
      }
      fx.sim.produceBlocks(1);
    }
    await fx.settle();
    expect(readCursor(fx.db)?.blockNum).toBe(lib());
    expect(fx.db.prepare('SELECT count(*) AS n FROM processed_ops').get()).toEqual({ n: sent });
    expect(fx.sim.transfersTo('stakebts-broker')).toHaveLength(sent);
    expect(collectDbStatus(fx.db).internalErrors).toBe(0);
    expect(verifyReceiptChain(fx.db).ok).toBe(true);
  }, 120_000);
});
