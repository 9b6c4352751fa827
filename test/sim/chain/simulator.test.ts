import { afterEach, describe, expect, it } from 'vitest';
import { buildSignedTransfer, decryptMemo, generateKeyPair } from '../../../src/chain/bitshares/index.js';
import { createNodeClient, type NodeClient } from '../../../src/chain/nodeClient/index.js';
import { createWsRpc, type WsRpc } from '../../../src/chain/rpc/index.js';
import { isError } from '../../../src/errors/BaseError.js';
import { type ChainSimOptions, type ChainSimulator, parseChainSimArgs, startChainSimulator } from '../../../src/sim/chain/index.js';

const FC_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/;
const open: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function setup(opts: ChainSimOptions = {}): Promise<{ sim: ChainSimulator; rpc: WsRpc; node: NodeClient }> {
  const sim = await startChainSimulator(opts);
  const rpc = createWsRpc(sim.url);
  const node = createNodeClient({
    urls: [sim.url],
    expectedChainId: sim.chainId,
  });
  open.push(sim, rpc, node);
  return { sim, rpc, node };
}
const db = <T = any>(rpc: WsRpc, method: string, params: unknown[] = []) => rpc.request<T>({ api: 'database', method, params });

/** A transfer signed exactly as the daemon's payout worker signs it. */
async function signedTransfer(
  sim: ChainSimulator,
  node: NodeClient,
  o: {
    from: string;
    to: string;
    amount: bigint;
    wif?: string;
    fee?: bigint;
    chainTimeDeltaSec?: number;
    expiresInSec?: number;
    foreignTapos?: boolean;
  },
) {
  const dgp = await node.getDynamicGlobalProperties();
  const [fee] = await node.getRequiredFees([
    [
      0,
      {
        fee: { amount: 0, asset_id: '1.3.0' },
        from: sim.account(o.from)!.id,
        to: sim.account(o.to)!.id,
        amount: { amount: 1, asset_id: '1.3.0' },
      },
    ],
  ]);
  return buildSignedTransfer({
    chainId: sim.chainId,
    activeWif: o.wif ?? sim.account(o.from)!.activeWif,
    from: sim.account(o.from)!.id,
    to: sim.account(o.to)!.id,
    amount: o.amount,
    fee: o.fee ?? fee!.amount,
    headBlockNumber: dgp.headBlockNumber,
    // A block id with the right number but another chain's hash: TaPoS must refuse it.
    headBlockId: o.foreignTapos ? dgp.headBlockId.slice(0, 8) + 'f'.repeat(32) : dgp.headBlockId,
    chainTimeSec: dgp.time / 1000 + (o.chainTimeDeltaSec ?? 0),
    ...(o.expiresInSec ? { expiresInSec: o.expiresInSec } : {}),
  });
}

describe('chain simulator: node JSON shapes', () => {
  it('answers every database call in the node shape (numbers vs strings, time without Z, null for a future block)', async () => {
    const { sim, rpc } = await setup({ irreversibleLag: 3 });
    const alice = sim.createAccount('alice');
    sim.fund('alice', 5_000_000_000_000n); // above 0xffffffff: a string on the wire
    sim.fund('alice', 1234n, '1.3.121'); // small: a number
    sim.produceBlocks(5);

    const dgp = await db(rpc, 'get_dynamic_global_properties');
    expect(dgp.time).toMatch(FC_TIME);
    expect(dgp.head_block_number).toBe(sim.headBlockNumber);
    expect(dgp.last_irreversible_block_num).toBe(sim.headBlockNumber - 3);
    expect(parseInt(dgp.head_block_id.slice(0, 8), 16)).toBe(dgp.head_block_number);
    expect((await db(rpc, 'get_objects', [['2.1.0']]))[0]).toEqual(dgp);

    const block = await db(rpc, 'get_block', [dgp.head_block_number]);
    expect(block.timestamp).toBe(dgp.time);
    expect(Object.keys(block)).toEqual(
      expect.arrayContaining([
        'previous',
        'timestamp',
        'witness',
        'transaction_merkle_root',
        'extensions',
        'witness_signature',
        'transactions',
      ]),
    );
    expect(await db(rpc, 'get_block', [dgp.head_block_number + 1])).toBeNull();

    const acc = await db(rpc, 'get_account_by_name', ['alice']);
    expect(acc).toMatchObject({
      id: alice.id,
      name: 'alice',
      options: { memo_key: alice.memoPub },
      active: { weight_threshold: 1, key_auths: [[alice.activePub, 1]] },
    });
    expect(await db(rpc, 'get_account_by_name', ['nobody'])).toBeNull();
    expect((await db(rpc, 'lookup_account_names', [['nobody', 'alice']])).map((a: any) => a?.id ?? null)).toEqual([null, alice.id]);
    expect((await db(rpc, 'get_accounts', [[alice.id, 'alice'], false])).map((a: any) => a.name)).toEqual(['alice', 'alice']);
    const full = await db(rpc, 'get_full_accounts', [['alice'], false]);
    expect(full[0][0]).toBe('alice');
    expect(full[0][1].account.id).toBe(alice.id);

    expect(await db(rpc, 'get_account_balances', ['alice', ['1.3.0', '1.3.121']])).toEqual([
      { amount: '5000000000000', asset_id: '1.3.0' },
      { amount: 1234, asset_id: '1.3.121' },
    ]);
    const assets = await db(rpc, 'lookup_asset_symbols', [['BTS', 'USD', 'NOPE']]);
    expect(assets.map((a: any) => a && [a.id, a.symbol, a.precision])).toEqual([['1.3.0', 'BTS', 5], ['1.3.121', 'USD', 4], null]);
    // get_assets takes ids or symbols (and an optional subscribe flag), null for an unknown one, the same objects.
    const byId = await db(rpc, 'get_assets', [['1.3.121', 'BTS', '1.3.99999'], false]);
    expect(byId.map((a: any) => a && [a.id, a.symbol, a.precision])).toEqual([['1.3.121', 'USD', 4], ['1.3.0', 'BTS', 5], null]);
    expect(byId[0]).toEqual(assets[1]);
    expect((await db(rpc, 'get_global_properties')).parameters.maximum_transaction_size).toBe(2048);

    const noMemo = [
      0,
      {
        fee: { amount: 0, asset_id: '1.3.0' },
        from: alice.id,
        to: alice.id,
        amount: { amount: 1, asset_id: '1.3.0' },
      },
    ];
    const memo = {
      from: alice.memoPub,
      to: alice.memoPub,
      nonce: '1',
      message: 'ab'.repeat(100),
    };
    const withMemo = [0, { ...(noMemo[1] as object), memo }];
    const fees = await db(rpc, 'get_required_fees', [[noMemo, withMemo], '1.3.0']);
    expect(typeof fees[0].amount).toBe('number');
    expect(fees[1].amount).toBeGreaterThan(fees[0].amount);

    const err = await db(rpc, 'no_such_call').catch((e: any) => e);
    expect([err.rpcCode, err.fcName]).toEqual([-32601, 'method_not_found_exception']);
  });

  it('lets time pass fast: block timestamps advance blockTimeMs per block and LIB trails by the lag', async () => {
    const { sim, node } = await setup({
      blockTimeMs: 3_600_000,
      irreversibleLag: 5,
    });
    const before = await node.getDynamicGlobalProperties();
    sim.produceBlocks(24 * 30);
    const after = await node.getDynamicGlobalProperties();
    expect(after.time - before.time).toBe(24 * 30 * 3_600_000);
    expect(after.lastIrreversibleBlockNum).toBe(after.headBlockNumber - 5);
    const lib = await node.getBlock(after.lastIrreversibleBlockNum);
    expect(lib!.timestampMs).toBe(after.time - 5 * 3_600_000);
  });

  it('produces blocks in real time and a client transfer resolves with its block', async () => {
    const { sim, node } = await setup({ blockIntervalMs: 50 });
    sim.createAccount('carol');
    sim.createAccount('broker');
    sim.fund('carol', 10_000_000n);
    const res = await sim.clientTransfer({
      from: 'carol',
      to: 'broker',
      amountSats: 2_500_000n,
      memo: '{"type":"six_months"}',
    });
    expect(res.blockNum).toBeGreaterThan(1);
    const block = await node.getBlock(res.blockNum!);
    const op = block!.transactions.flatMap((t) => t.operations).find((o) => o[0] === 0)![1] as any;
    expect(op.amount).toEqual({ amount: 2_500_000, asset_id: '1.3.0' });
    const dec = decryptMemo(op.memo, sim.account('broker')!.memoWif);
    expect(dec.ok && dec.bytes.toString('utf8')).toBe('{"type":"six_months"}');
    const ledger = sim.transfersTo('broker');
    expect(ledger).toHaveLength(1);
    expect(ledger[0]).toMatchObject({
      blockNum: res.blockNum,
      trxInBlock: 0,
      opInTrx: 0,
      amountSats: 2_500_000n,
      fromName: 'carol',
    });
    expect(sim.balance('carol')).toBe(10_000_000n - 2_500_000n - ledger[0]!.feeSats);
  });
});

describe('chain simulator: broadcast verification', () => {
  async function funded() {
    const env = await setup({ irreversibleLag: 2, historyApi: true });
    env.sim.createAccount('broker');
    env.sim.createAccount('dave');
    env.sim.fund('broker', 100_000_000n);
    return env;
  }

  it('applies a correctly signed transfer, includes it in the next block and in account history', async () => {
    const { sim, node, rpc } = await funded();
    const { txId, signedTx } = await signedTransfer(sim, node, {
      from: 'broker',
      to: 'dave',
      amount: 1_234_567n,
    });
    await node.broadcastTransaction(signedTx);
    const fee = sim.state.transferFeeFor(undefined);
    expect(sim.balance('broker')).toBe(100_000_000n - 1_234_567n - fee);
    expect(sim.balance('dave')).toBe(1_234_567n);
    expect(sim.txBlock(txId)).toBeUndefined(); // pending until the next block
    const n = sim.produceBlocks(1);
    expect(sim.txBlock(txId)).toBe(n);
    const block = await node.getBlock(n);
    expect(block!.transactions[0]!.operations[0]![1]).toMatchObject({
      to: sim.account('dave')!.id,
      amount: { amount: 1_234_567, asset_id: '1.3.0' },
    });
    expect(sim.transfersFrom('broker').map((t) => [t.txId, t.blockNum])).toEqual([[txId, n]]);
    const hist = await node.getAccountHistory(sim.account('broker')!.id);
    expect(hist.map((h) => [h.blockNum, h.trxInBlock, h.opInTrx, h.op[0]])).toEqual([[n, 0, 0, 0]]);
    expect(await db(rpc, 'get_recent_transaction_by_id', [txId])).toMatchObject({ ref_block_prefix: signedTx.ref_block_prefix });
  });

  it('refuses a transfer signed with the wrong key (tx_missing_active_auth) and changes nothing', async () => {
    const { sim, node } = await funded();
    const { signedTx } = await signedTransfer(sim, node, {
      from: 'broker',
      to: 'dave',
      amount: 1_000n,
      wif: generateKeyPair('intruder').wif,
    });
    const err = await node.broadcastTransaction(signedTx).catch((e: any) => e);
    expect([err.code, err.fcName, err.fcCode]).toEqual(['RPC_ERROR', 'tx_missing_active_auth', 4010001]);
    expect(sim.balance('broker')).toBe(100_000_000n);
    sim.produceBlocks(1);
    expect(sim.transfersFrom('broker')).toEqual([]);
  });

  it('refuses an expired transaction and one expiring more than a day ahead', async () => {
    const { sim, node } = await funded();
    const expired = await signedTransfer(sim, node, {
      from: 'broker',
      to: 'dave',
      amount: 1_000n,
      chainTimeDeltaSec: -300,
    });
    const e1 = await node.broadcastTransaction(expired.signedTx).catch((e: any) => e);
    expect([e1.code, e1.fcName]).toEqual(['RPC_ERROR', 'assert_exception']);
    const far = await signedTransfer(sim, node, {
      from: 'broker',
      to: 'dave',
      amount: 1_000n,
      chainTimeDeltaSec: 600,
      expiresInSec: 86_400,
    });
    const e2 = await node.broadcastTransaction(far.signedTx).catch((e: any) => e);
    expect([e2.code, e2.fcName]).toEqual(['RPC_ERROR', 'assert_exception']);
    expect(sim.balance('broker')).toBe(100_000_000n);
  });

  it('refuses a duplicate transaction id, a low fee, an overdraft and a foreign TaPoS block', async () => {
    const { sim, node } = await funded();
    const ok = await signedTransfer(sim, node, {
      from: 'broker',
      to: 'dave',
      amount: 1_000n,
    });
    await node.broadcastTransaction(ok.signedTx);
    const dup = await node.broadcastTransaction(ok.signedTx).catch((e: any) => e);
    expect([dup.code, dup.fcName, dup.fcCode]).toEqual(['RPC_ERROR', 'duplicate_transaction', 3030001]);
    sim.produceBlocks(1);
    const dupLater = await node.broadcastTransaction(ok.signedTx).catch((e: any) => e);
    expect(dupLater.code).toBe('RPC_ERROR');

    const low = await signedTransfer(sim, node, {
      from: 'broker',
      to: 'dave',
      amount: 1_000n,
      fee: 1n,
    });
    expect((await node.broadcastTransaction(low.signedTx).catch((e: any) => e)).fcName).toBe('insufficient_fee');

    const over = await signedTransfer(sim, node, {
      from: 'broker',
      to: 'dave',
      amount: 100_000_000n,
    });
    expect((await node.broadcastTransaction(over.signedTx).catch((e: any) => e)).fcName).toBe('assert_exception');

    const tapos = await signedTransfer(sim, node, {
      from: 'broker',
      to: 'dave',
      amount: 5n,
      foreignTapos: true,
    });
    const taposErr = await node.broadcastTransaction(tapos.signedTx).catch((e: any) => e);
    expect([taposErr.fcName, taposErr.details]).toEqual(['assert_exception', expect.stringContaining('ref_block_prefix')]);

    sim.produceBlocks(1);
    expect(sim.transfersFrom('broker')).toHaveLength(1);
    expect(sim.balance('dave')).toBe(1_000n);
  });

  it('answers broadcast_transaction_synchronous after inclusion and sends the callback notice', async () => {
    const { sim, node } = await funded();
    const notices: unknown[] = [];
    const rpc = createWsRpc(sim.url, {
      onNotice: (cb, args) => notices.push([cb, args]),
    });
    open.push(rpc);
    const a = await signedTransfer(sim, node, {
      from: 'broker',
      to: 'dave',
      amount: 10n,
    });
    const sync = rpc.request<any>({
      api: 'network_broadcast',
      method: 'broadcast_transaction_synchronous',
      params: [a.signedTx],
    });
    const b = await signedTransfer(sim, node, {
      from: 'broker',
      to: 'dave',
      amount: 11n,
    });
    expect(
      await rpc.request({
        api: 'network_broadcast',
        method: 'broadcast_transaction_with_callback',
        params: [77, b.signedTx],
      }),
    ).toBeNull();
    await new Promise((r) => setTimeout(r, 50));
    const n = sim.produceBlocks(1);
    expect(await sync).toMatchObject({ id: a.txId, block_num: n, trx_num: 0 });
    await expect.poll(() => notices.length).toBe(1);
    expect(notices[0]).toEqual([77, [expect.objectContaining({ id: b.txId, block_num: n, trx_num: 1 })]]);
  });
});

describe('chain simulator: synthetic history and faults', () => {
  it('serves deterministic synthetic blocks lazily, with planted broker transfers matching the ledger', async () => {
    const opts: ChainSimOptions = {
      genesisTimeMs: Date.UTC(2025, 0, 1),
      syntheticHistory: {
        blocks: 200_000,
        seed: 9,
        transfersToBroker: [
          {
            block: 150_000,
            from: 'eve',
            amountSats: 2_500_000_000n,
            memo: 'twelve_months',
          },
        ],
      },
    };
    const { sim, node } = await setup(opts);
    const twin = await startChainSimulator(opts);
    open.push(twin);
    expect(sim.headBlockNumber).toBe(200_000);
    expect(twin.state.block(123_456)).toEqual(sim.state.block(123_456));
    const block = await node.getBlock(150_000);
    const [planted] = sim.transfersTo('broker');
    expect(planted).toMatchObject({
      blockNum: 150_000,
      amountSats: 2_500_000_000n,
      fromName: 'eve',
    });
    const op = block!.transactions[planted!.trxInBlock]!.operations[0]![1] as any;
    expect(op.to).toBe(sim.account('broker')!.id);
    const dec = decryptMemo(op.memo, sim.account('broker')!.memoWif);
    expect(dec.ok && dec.bytes.toString('utf8')).toBe('twelve_months');
    expect(sim.balance('broker')).toBe(2_500_000_000n);
    // Unrelated traffic: other op types and transfers between other accounts.
    const ops = (await Promise.all([1, 2, 3, 4, 5, 6, 7, 8].map((n) => node.getBlock(n)))).flatMap((b) =>
      b!.transactions.flatMap((t) => t.operations),
    );
    expect(ops.some((o) => o[0] === 1)).toBe(true);
    expect(ops.some((o) => o[0] === 0)).toBe(true);
    // Live blocks continue after the synthetic ones and reference them.
    sim.produceBlocks(1);
    expect((await node.getBlock(200_001))!.previous).toBe(sim.state.blockId(200_000));
  });

  it('refuses connections, injects errors and never answers hung methods', async () => {
    const { sim, rpc } = await setup({});
    sim.faults.errors = {
      get_account_by_name: { name: 'custom_exception', code: 99 },
    };
    const err = await db(rpc, 'get_account_by_name', ['x']).catch((e: any) => e);
    expect([err.fcName, err.fcCode]).toEqual(['custom_exception', 99]);
    sim.faults.errors = {};
    sim.faults.refuseConnections = true;
    const fresh = createWsRpc(sim.url);
    open.push(fresh);
    expect(isError(await fresh.connect().catch((e: any) => e), 'NODE_UNAVAILABLE')).toBe(true);
    sim.faults.refuseConnections = false;
    sim.connections()[0]!.faults.hang = ['get_block'];
    const hung = await rpc
      .request({
        api: 'database',
        method: 'get_block',
        params: [1],
        timeoutMs: 300,
      })
      .catch((e: any) => e);
    expect(isError(hung, 'NODE_TIMEOUT')).toBe(true);
  });

  it('parses the sim chain command line', () => {
    expect(
      parseChainSimArgs(['--port', '9000', '--block-interval-ms', '0', '--block-time-ms', '3600000', '--synthetic-blocks', '10']),
    ).toEqual({
      port: 9000,
      blockIntervalMs: 0,
      blockTimeMs: 3_600_000,
      syntheticHistory: { blocks: 10 },
    });
    expect(parseChainSimArgs(['--history-api', '--omit-block-info'])).toMatchObject({ historyApi: true, omitBlockInfo: true });
    expect(parseChainSimArgs(['--block-api'])).toMatchObject({ blockApi: true });
    expect(parseChainSimArgs([]).blockApi).toBeUndefined();
    expect(parseChainSimArgs([])).not.toHaveProperty('historyApi');
    expect(() => parseChainSimArgs(['--port', 'x'])).toThrow(/port/);
    expect(() => parseChainSimArgs(['--bogus'])).toThrow();
  });
});
