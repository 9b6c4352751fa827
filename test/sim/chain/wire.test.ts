// biome-ignore-all lint/suspicious/noTemplateCurlyInString: fc message formats carry ${key} placeholders
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { buildSignedTransfer, generateKeyPair } from '../../../src/chain/bitshares/index.js';
import { classifyBroadcastRefusal } from '../../../src/chain/rpc/classifyBroadcastRefusal.js';
import { type ChainSimOptions, type ChainSimulator, startChainSimulator } from '../../../src/sim/chain/index.js';

/**
 * The simulator's frames as a real bitshares-core 7 node sends them, read on a raw WebSocket (not through the
 * daemon's client, which would hide the wire shape).
 */

type Frame = Record<string, any>;
const open: Array<{ close(): unknown }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

/** A raw client: sends text frames, resolves with each reply's parsed JSON and its exact text. */
async function raw(url: string) {
  const ws = new WebSocket(url);
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  const waiting = new Map<unknown, (r: { json: Frame; text: string }) => void>();
  const unmatched: Array<{ json: Frame; text: string }> = [];
  ws.on('message', (d) => {
    const text = d.toString();
    const json = JSON.parse(text) as Frame;
    const w = waiting.get(json.id);
    if (w) {
      waiting.delete(json.id);
      w({ json, text });
    } else unmatched.push({ json, text });
  });
  let next = 1;
  const client = {
    /** Sends one frame (object or text) and waits for the reply carrying `expectId`. */
    send(frame: Frame | string, expectId?: unknown): Promise<{ json: Frame; text: string }> {
      const id = typeof frame === 'string' ? expectId : (frame.id ?? expectId);
      const p = new Promise<{ json: Frame; text: string }>((resolve) => waiting.set(id, resolve));
      ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
      return p;
    },
    /** `call` on an api id; resolves with the whole reply. */
    call(api: number | string, method: string, params: unknown[] = [], extra: Frame = {}) {
      return client.send({ id: next++, method: 'call', params: [api, method, params], ...extra });
    },
    async result(api: number, method: string, params: unknown[] = []) {
      const r = await client.call(api, method, params);
      if (r.json.error) throw new Error(JSON.stringify(r.json.error));
      return r.json.result;
    },
    unmatched,
    close: () => ws.terminate(),
  };
  open.push(client);
  return client;
}

async function sim(opts: ChainSimOptions = {}): Promise<ChainSimulator> {
  const s = await startChainSimulator({ blockIntervalMs: 0, irreversibleLag: 0, ...opts });
  open.push(s);
  return s;
}

/** A transfer signed as the daemon signs it, from facts read on the raw socket. */
async function signed(
  s: ChainSimulator,
  c: Awaited<ReturnType<typeof raw>>,
  o: {
    from: string;
    to: string;
    amount: bigint;
    fee?: bigint;
    wif?: string;
    timeDeltaSec?: number;
    expiresInSec?: number;
    badTapos?: boolean;
  },
) {
  const dgp = await c.result(0, 'get_dynamic_global_properties');
  const from = s.account(o.from)!;
  const to = s.account(o.to)!;
  return buildSignedTransfer({
    chainId: s.chainId,
    activeWif: o.wif ?? from.activeWif,
    from: from.id,
    to: to.id,
    amount: o.amount,
    fee: o.fee ?? s.state.transferFeeFor(undefined),
    headBlockNumber: dgp.head_block_number,
    headBlockId: o.badTapos ? `${dgp.head_block_id.slice(0, 8)}${'f'.repeat(32)}` : dgp.head_block_id,
    chainTimeSec: Date.parse(`${dgp.time}Z`) / 1000 + (o.timeDeltaSec ?? 0),
    ...(o.expiresInSec ? { expiresInSec: o.expiresInSec } : {}),
  });
}

const fixture = JSON.parse(readFileSync(new URL('../../fixtures/broadcastRefusals.json', import.meta.url), 'utf8')) as {
  valid: Array<{ description: string; shape: string; frame: Frame; expected: { kind: string; cause?: string } }>;
};
const realRow = (re: RegExp) => fixture.valid.find((r) => r.shape === 'bitshares-core-7' && re.test(r.description))!;
/** Where each log entry was made and what it says: the part of a frame that does not depend on the values. */
const skeleton = (f: Frame) =>
  (f.data.stack as Frame[]).map((e) => [e.context.level, e.context.file, e.context.line, e.context.method, e.format]);

describe('wire: integers as fc writes them (json::stringify_large_ints_and_doubles)', () => {
  it('int64 values outside the int32 range and uint64 values above 0xffffffff are strings; the rest numbers', async () => {
    const s = await sim();
    s.createAccount('broker');
    const alice = s.createAccount('alice');
    s.fund('broker', 2_500_000_000n); // 25 000 BTS: above INT32_MAX, below 0xffffffff
    s.fund('alice', 2_147_483_647n);
    s.fund('alice', 2_147_483_648n, '1.3.121'); // INT32_MAX + 1: a string
    await s.clientTransfer({ from: 'broker', to: 'alice', amountSats: 2_500_000_000n - 45_000n });
    await s.clientTransfer({
      from: 'alice',
      to: 'broker',
      amountSats: 100_000n,
      rawMemo: { from: alice.memoPub, to: alice.memoPub, nonce: '4294967295', message: '00'.repeat(16) },
    });
    await s.clientTransfer({
      from: 'alice',
      to: 'broker',
      amountSats: 100_001n,
      rawMemo: { from: alice.memoPub, to: alice.memoPub, nonce: '4294967296', message: '00'.repeat(16) },
    });
    const n = s.produceBlocks(1);
    const c = await raw(s.url);

    const balances = await c.call(0, 'get_account_balances', ['alice', ['1.3.0', '1.3.121']]);
    expect(s.balance('alice')).toBeGreaterThan(0xffffffffn);
    expect(balances.json.result).toEqual([
      { amount: String(s.balance('alice')), asset_id: '1.3.0' },
      { amount: '2147483648', asset_id: '1.3.121' },
    ]);
    s.createAccount('bob');
    s.fund('bob', 2_147_483_647n);
    expect((await c.call(0, 'get_account_balances', ['bob', ['1.3.0']])).json.result).toEqual([
      { amount: 2_147_483_647, asset_id: '1.3.0' },
    ]);
    const block = (await c.call(0, 'get_block', [n])).json.result;
    const ops = block.transactions.map((t: Frame) => t.operations[0][1]);
    expect(ops[0].amount).toEqual({ amount: '2499955000', asset_id: '1.3.0' });
    expect(typeof ops[0].fee.amount).toBe('number');
    expect(ops[1].memo.nonce).toBe(4294967295);
    expect(ops[2].memo.nonce).toBe('4294967296');
    const [bts] = (await c.call(0, 'lookup_asset_symbols', [['BTS']])).json.result;
    expect(bts.options.max_supply).toBe('360057050210207');
    const gp = (await c.call(0, 'get_global_properties')).json.result;
    expect(gp.parameters.current_fees.parameters[0][1]).toEqual({ fee: 45_000, price_per_kbyte: 15_000 });
    const full = (await c.call(0, 'get_full_accounts', [['alice', 'broker'], false])).json.result;
    expect(full.map((f: Frame) => f[1].balances[0].balance)).toEqual([String(s.balance('alice')), 200_001]);
    // The exact text on the wire, not only what JSON.parse makes of it.
    expect(balances.text).toContain('"amount":"2147483648"');
  });
});

describe('wire: error frames as bitshares-core 7 builds them', () => {
  async function world() {
    const s = await sim();
    s.createAccount('broker');
    s.createAccount('alice');
    s.fund('broker', 10_000_000n);
    s.produceBlocks(1);
    const c = await raw(s.url);
    expect(await c.result(1, 'network_broadcast')).toBe(2);
    return { s, c, broadcast: (tx: unknown) => c.call(2, 'broadcast_transaction', [tx]) };
  }

  it('every refusal: code = the fc code, message = "Execution error: " + what() + the formatted log, data = {code, name, message: what(), stack}', async () => {
    const { s, c, broadcast } = await world();
    const ok = await signed(s, c, { from: 'broker', to: 'alice', amount: 1_000n });
    expect((await broadcast(ok.signedTx)).json).toEqual({ id: expect.any(Number), result: null });
    const cases = {
      missing_auth: await signed(s, c, { from: 'broker', to: 'alice', amount: 999n, wif: generateKeyPair('intruder').wif }),
      fee: await signed(s, c, { from: 'broker', to: 'alice', amount: 1_001n, fee: 1n }),
      duplicate: ok,
      expired: await signed(s, c, { from: 'broker', to: 'alice', amount: 1_002n, timeDeltaSec: -600 }),
      too_far: await signed(s, c, { from: 'broker', to: 'alice', amount: 1_003n, timeDeltaSec: 600, expiresInSec: 86_400 }),
      tapos: await signed(s, c, { from: 'broker', to: 'alice', amount: 1_004n, badTapos: true }),
      balance: await signed(s, c, { from: 'broker', to: 'alice', amount: 2_500_000_000n }),
      fee_balance: await signed(s, c, { from: 'broker', to: 'alice', amount: 10_000_000n - 1_000n - 45_000n - 10n }),
    };
    const want = {
      missing_auth: [4010001, 'tx_missing_active_auth', 'missing required active authority', /missing active authority/],
      fee: [4010007, 'insufficient_fee', 'insufficient fee', /insufficient fee/],
      duplicate: [3030001, 'duplicate_transaction', 'duplicate transaction', /duplicate transaction/],
      expired: [10, 'assert_exception', 'Assert Exception', /expired transaction/],
      too_far: [10, 'assert_exception', 'Assert Exception', /too far/],
      tapos: [10, 'assert_exception', 'Assert Exception', /TaPoS/],
      balance: [10, 'assert_exception', 'Assert Exception', /balance for the amount/],
      fee_balance: [10, 'assert_exception', 'Assert Exception', /balance for the fee/],
    } as const;
    for (const [k, tx] of Object.entries(cases) as Array<[keyof typeof want, (typeof cases)['fee']]>) {
      const [code, name, what, row] = want[k];
      const { json } = await broadcast(tx.signedTx);
      const e = json.error;
      expect(Object.keys(json)).toEqual(['id', 'error']);
      expect([k, e.code, e.data.code, e.data.name, e.data.message]).toEqual([k, code, code, name, what]);
      // message = "Execution error: " + to_string(): what() + ":" + " " + each non-empty format, filled
      const filled = (e.data.stack as Frame[])
        .filter((x) => x.format)
        .map((x) => (x.format as string).replace(/\$\{([^}]*)\}/g, (_m, key: string) => String(x.data[key])));
      expect(e.message).toBe(`Execution error: ${what}:${filled.map((f) => ` ${f}`).join('')}`);
      for (const entry of e.data.stack as Frame[]) {
        expect(Object.keys(entry)).toEqual(['context', 'format', 'data']);
        expect(Object.keys(entry.context)).toEqual(['level', 'file', 'line', 'method', 'hostname', 'thread_name', 'timestamp']);
        expect(entry.context.timestamp).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
      }
      // Same exception, same places, same formats as the real-node frame of the fixture table; classified alike.
      const fx = realRow(row);
      expect([k, ...skeleton(json.error)]).toEqual([k, ...skeleton(fx.frame)]);
      const r = classifyBroadcastRefusal(e);
      expect([k, r.kind, r.kind === 'rejected' ? r.cause : undefined]).toEqual([k, fx.expected.kind, fx.expected.cause]);
    }
    // Assertion values sit in stack[].data, where fc puts them.
    const { json } = await broadcast(cases.balance.signedTx);
    expect(json.error.data.stack[0].data).toEqual({
      a: 'broker',
      t: 'alice',
      total_transfer: '25000 BTS',
      balance: '99.54000 BTS', // fc's amount_to_pretty_string: every decimal of the precision once there are any
    });
    expect(s.balance('broker')).toBe(9_954_000n);
    expect(s.transfersFrom('broker')).toHaveLength(0); // nothing refused reached a block
  });

  it('an expired copy of an included transaction is refused as expired, not as a duplicate (the index drops it at expiry)', async () => {
    const { s, c, broadcast } = await world();
    const ok = await signed(s, c, { from: 'broker', to: 'alice', amount: 1_000n, expiresInSec: 30 });
    await broadcast(ok.signedTx);
    s.produceBlocks(1);
    expect((await broadcast(ok.signedTx)).json.error.data.name).toBe('duplicate_transaction');
    s.produceBlocks(11); // 33 s of chain time
    const e = (await broadcast(ok.signedTx)).json.error;
    expect([e.data.name, e.data.stack[0].format]).toEqual(['assert_exception', 'now <= trx.expiration: ']);
  });

  it('a signature of the owner key satisfies the active authority, as on a node', async () => {
    const { s, c, broadcast } = await world();
    const tx = await signed(s, c, { from: 'broker', to: 'alice', amount: 7n, wif: s.account('broker')!.ownerWif });
    expect((await broadcast(tx.signedTx)).json.result).toBeNull();
  });
});

describe('wire: JSON-RPC framing as fc websocket_api answers', () => {
  it('-32601 carries the method_not_found_exception as data; an unknown api id is an assert', async () => {
    const s = await sim();
    const c = await raw(s.url);
    const { json } = await c.call(0, 'no_such_method', []);
    expect(json.error).toMatchObject({
      code: -32601,
      message: 'Method not found',
      data: {
        code: 22,
        name: 'method_not_found_exception',
        message: 'Method Not Found',
        stack: [
          { format: "No method with name '${name}'", data: { name: 'no_such_method', api: expect.arrayContaining([['get_block', 4]]) } },
        ],
      },
    });
    const api = json.error.data.stack[0].data.api as Array<[string, number]>;
    expect(api.map(([m]) => m)).toEqual(api.map(([m]) => m).sort()); // a std::map: [name, id] pairs in key order
    const bad = (await c.call(9, 'get_chain_id', [])).json.error;
    expect([bad.code, bad.data.name, bad.message]).toEqual([
      10,
      'assert_exception',
      'Execution error: Assert Exception: _local_apis.size() > api_id: ',
    ]);
  });

  it('echoes "jsonrpc":"2.0" only when the request carried it, keeps the id first, and answers nothing to a 1.0 request without id', async () => {
    const s = await sim();
    const c = await raw(s.url);
    const with2 = await c.send({ jsonrpc: '2.0', id: 7, method: 'call', params: [0, 'get_chain_id', []] });
    expect(with2.text).toBe(`{"id":7,"jsonrpc":"2.0","result":"${s.chainId}"}`);
    const without = await c.send({ id: 8, method: 'call', params: [0, 'get_chain_id', []] });
    expect(without.text).toBe(`{"id":8,"result":"${s.chainId}"}`);
    const err = await c.send({ id: 'x', method: 'call', params: [0, 'nope', []] });
    expect(Object.keys(err.json)).toEqual(['id', 'error']);
    const bad = await c.send('{"id":', null);
    expect(bad.json).toMatchObject({ id: null, jsonrpc: '2.0', error: { code: -32700, message: 'Invalid JSON message' } });
    const batch = await c.send('[1]', null);
    expect(batch.json).toEqual({ id: null, jsonrpc: '2.0', error: { code: -32600, message: 'Batch requests not supported' } });
    c.send({ id: null, method: 'call', params: [0, 'get_chain_id', []] }); // JSON-RPC 1.0: null id = notification
    await c.call(0, 'get_chain_id', []);
    expect(c.unmatched.filter((m) => m.json.id === null && 'result' in m.json)).toEqual([]);
  });

  it('the database api is api 0: login hands out 0 for "database", other apis 2, 3…; methods outside "call" go to api 0', async () => {
    const s = await sim({ historyApi: true });
    const c = await raw(s.url);
    expect(await c.result(0, 'get_chain_id')).toBe(s.chainId);
    expect(await c.result(1, 'login', ['', ''])).toBe(true);
    expect(await c.result(1, 'database')).toBe(0);
    expect(await c.result(1, 'network_broadcast')).toBe(2);
    expect(await c.result(1, 'history')).toBe(3);
    expect(await c.result(1, 'network_broadcast')).toBe(2);
    expect((await c.call('database', 'get_chain_id')).json.result).toBe(s.chainId); // api named instead of numbered
    expect((await c.send({ id: 50, method: 'get_chain_id', params: [] })).json.result).toBe(s.chainId);
  });

  it('refuses the history api when it is not enabled, as login_api::history() refuses an api not allowed', async () => {
    const s = await sim();
    const c = await raw(s.url);
    const e = (await c.call(1, 'history', [])).json.error;
    expect([e.code, e.data.name, e.data.stack[0].format, e.message]).toEqual([
      10,
      'assert_exception',
      'is_allowed: Access denied',
      'Execution error: Assert Exception: is_allowed: Access denied',
    ]);
  });
});

describe('wire: get_block', () => {
  it('accepts the block number as a string and keeps block_id, signing_key and transaction_ids; omitBlockInfo drops them', async () => {
    const s = await sim();
    s.createAccount('broker');
    s.createAccount('alice');
    s.fund('broker', 1_000_000n);
    const { txId } = await s.clientTransfer({ from: 'broker', to: 'alice', amountSats: 5n });
    const n = s.produceBlocks(1);
    const c = await raw(s.url);
    const byNumber = (await c.call(0, 'get_block', [n])).json.result;
    expect((await c.call(0, 'get_block', [String(n)])).json.result).toEqual(byNumber);
    expect(Object.keys(byNumber)).toEqual([
      'previous',
      'timestamp',
      'witness',
      'transaction_merkle_root',
      'extensions',
      'witness_signature',
      'transactions',
      'block_id',
      'signing_key',
      'transaction_ids',
    ]);
    expect([byNumber.block_id, byNumber.transaction_ids]).toEqual([s.state.blockId(n), [txId]]);
    expect((await c.call(0, 'get_block', ['abc'])).json.error.data.name).toBe('parse_error_exception');
    expect((await c.call(0, 'get_block', [n + 1])).json.result).toBeNull();

    const plain = await sim({ omitBlockInfo: true });
    plain.createAccount('broker');
    const p = await raw(plain.url);
    expect(Object.keys((await p.call(0, 'get_block', ['1'])).json.result)).toEqual([
      'previous',
      'timestamp',
      'witness',
      'transaction_merkle_root',
      'extensions',
      'witness_signature',
      'transactions',
    ]);
  });
});

describe('wire: block api (get_blocks)', () => {
  it('is refused by default, as on public nodes; granted, get_blocks(from, to) answers plain signed blocks and nulls', async () => {
    const closed = await sim();
    const c0 = await raw(closed.url);
    expect((await c0.call(1, 'login', ['', ''])).json.result).toBe(true);
    const refused = (await c0.call(1, 'block', [])).json.error;
    expect(refused.message).toBe('Execution error: Assert Exception: is_allowed: Access denied');

    const s = await sim({ blockApi: true });
    s.createAccount('broker');
    s.createAccount('alice');
    s.fund('broker', 1_000_000n);
    await s.clientTransfer({ from: 'broker', to: 'alice', amountSats: 5n });
    const head = s.produceBlocks(3);
    const c = await raw(s.url);
    await c.call(1, 'login', ['', '']);
    const apiId = (await c.call(1, 'block', [])).json.result;
    expect(apiId).toBe(2); // database 0, login 1, then in the order asked
    expect((await c.call(1, 'block', [])).json.result).toBe(apiId);
    const blocks = (await c.call(apiId, 'get_blocks', [head - 2, head + 1])).json.result as Frame[];
    expect(blocks).toHaveLength(4);
    expect(blocks[3]).toBeNull(); // not produced yet
    for (const [i, b] of blocks.slice(0, 3).entries()) {
      // fetch_block_by_number's signed_block: header, signature, transactions; no block_id (get_block's extra info)
      expect(Object.keys(b)).toEqual([
        'previous',
        'timestamp',
        'witness',
        'transaction_merkle_root',
        'extensions',
        'witness_signature',
        'transactions',
      ]);
      expect(b.previous).toBe(s.state.blockId(head - 3 + i));
      const { block_id: _id, signing_key: _k, transaction_ids: _t, ...plain } = (await c.call(0, 'get_block', [head - 2 + i])).json.result;
      expect(b).toEqual(plain);
    }
    expect((await c.call(apiId, 'get_blocks', [head, head - 1])).json.error.data.stack[0].format).toBe('block_num_to >= block_num_from: ');
    expect((await c.call(apiId, 'get_blocks', [head])).json.error.message).toContain('too few arguments');
    const header = (await c.call(0, 'get_block_header', [head])).json.result;
    expect(header).toEqual({
      previous: s.state.blockId(head - 1),
      timestamp: blocks[2]!.timestamp,
      witness: blocks[2]!.witness,
      transaction_merkle_root: blocks[2]!.transaction_merkle_root,
      extensions: [],
    });
    expect((await c.call(0, 'get_block_header', [head + 1])).json.result).toBeNull();
  });
});

describe('wire: accounts', () => {
  it('an account has an owner key of its own, distinct from the active key', async () => {
    const s = await sim();
    const a = s.createAccount('alice');
    const c = await raw(s.url);
    const acc = (await c.call(0, 'get_account_by_name', ['alice'])).json.result;
    expect(acc.owner.key_auths).toEqual([[a.ownerPub, 1]]);
    expect(acc.active.key_auths).toEqual([[a.activePub, 1]]);
    expect(a.ownerPub).not.toBe(a.activePub);
  });
});

describe('wire: history api (opt-in), as bitshares-core history_api answers', () => {
  /** 105 operations of alice's, several per block, with other accounts' operations between them. */
  async function busy() {
    const s = await sim({ historyApi: true });
    for (const n of ['alice', 'bob', 'carol']) {
      s.createAccount(n);
      s.fund(n, 1_000_000_000n);
    }
    let k = 0;
    for (let block = 0; block < 21; block++) {
      for (let i = 0; i < 5; i++) await s.clientTransfer({ from: 'alice', to: i % 2 ? 'bob' : 'carol', amountSats: BigInt(++k) });
      await s.clientTransfer({ from: 'bob', to: 'carol', amountSats: 1n });
      s.produceBlocks(1);
    }
    const c = await raw(s.url);
    await c.result(1, 'login', ['', '']);
    expect(await c.result(1, 'history')).toBe(2);
    const hist = (stop: string, limit: number, start: string, who = 'alice') =>
      c.result(2, 'get_account_history', [who, stop, limit, start]);
    const rel = (stop: number, limit: number, start: number, who = 'alice') =>
      c.result(2, 'get_relative_account_history', [who, stop, limit, start]);
    return { s, c, hist, rel };
  }
  const ids = (page: Frame[]) => page.map((h) => Number(String(h.id).split('.')[2]));

  it('get_account_history: ids in (stop, start], most recent first, at most 100; 1.11.0 included when stop is 1.11.0', async () => {
    const { s, c, hist } = await busy();
    const aliceId = s.account('alice')!.id;
    const all = s.state.accountHistory.get(aliceId)!; // oldest first
    expect(all).toHaveLength(105);
    expect(all[0]).toBe(0); // alice made the chain's first operation
    // 1. the first page: the 100 most recent
    const first = (await hist('1.11.0', 100, '1.11.0')) as Frame[];
    expect(ids(first)).toEqual(all.slice(5).reverse());
    // 2. the next page starts below the last id: the 5 oldest, 1.11.0 with them
    const second = (await hist('1.11.0', 100, `1.11.${ids(first).at(-1)! - 1}`)) as Frame[];
    expect(ids(second)).toEqual([...all.slice(0, 5)].reverse());
    // 3. (stop, start]: stop excluded, start included, even when start is another account's operation
    const [a, b] = [all[40]!, all[60]!];
    expect(ids((await hist(`1.11.${a}`, 100, `1.11.${b}`)) as Frame[])).toEqual(all.filter((n) => n > a && n <= b).reverse());
    expect(ids((await hist(`1.11.${a}`, 100, `1.11.${b + 1}`)) as Frame[])).toEqual(all.filter((n) => n > a && n <= b + 1).reverse());
    expect(await hist(`1.11.${b}`, 100, `1.11.${a}`)).toEqual([]); // start < stop
    expect(await hist('1.11.0', 100, '1.11.0', 'nobody')).toEqual([]); // unknown account: empty, not an error
    expect(ids((await hist('1.11.0', 3, '1.11.0')) as Frame[])).toEqual(all.slice(-3).reverse());
    const over = (await c.call(2, 'get_account_history', ['alice', '1.11.0', 101, '1.11.0'])).json.error;
    expect([over.data.name, over.data.stack[0].format, over.data.stack[0].data]).toEqual([
      'assert_exception',
      'limit <= configured_limit: limit can not be greater than ${configured_limit}',
      { configured_limit: 100 },
    ]);
  });

  it('operation history objects: block, position, virtual_op 0, block_time; several operations of one block, a cursor inside it', async () => {
    const { s, hist } = await busy();
    const page = (await hist('1.11.0', 6, '1.11.0')) as Frame[];
    const last = s.headBlockNumber;
    const block = s.state.block(last)!;
    // Alice's 5 transfers of the last block, then the first of the block before (bob's transfer sits in between).
    expect(page.map((h) => [h.block_num, h.trx_in_block, h.op_in_trx])).toEqual([
      [last, 4, 0],
      [last, 3, 0],
      [last, 2, 0],
      [last, 1, 0],
      [last, 0, 0],
      [last - 1, 4, 0],
    ]);
    expect(page[0]).toEqual({
      id: page[0]!.id,
      op: (block.transactions as Frame[])[4]!.operations[0],
      result: [0, {}],
      block_num: last,
      trx_in_block: 4,
      op_in_trx: 0,
      virtual_op: 0,
      is_virtual: false,
      block_time: block.timestamp,
    });
    // A cursor in the middle of the last block: the rest of that block, then the block before.
    const mid = ids(page)[2]!;
    expect(((await hist('1.11.0', 3, `1.11.${mid - 1}`)) as Frame[]).map((h) => [h.block_num, h.trx_in_block])).toEqual([
      [last, 1],
      [last, 0],
      [last - 1, 4],
    ]);
  });

  it('get_relative_account_history: by the account sequence 1..n, start down to stop INCLUSIVE, 0 meaning the newest / the first', async () => {
    const { s, rel } = await busy();
    const all = s.state.accountHistory.get(s.account('alice')!.id)!;
    const seqIds = (from: number, to: number) => all.slice(to - 1, from).reverse(); // sequence from..to, newest first
    expect(ids((await rel(0, 100, 0)) as Frame[])).toEqual(seqIds(105, 6));
    expect(ids((await rel(0, 100, 5)) as Frame[])).toEqual(seqIds(5, 1));
    expect(ids((await rel(3, 100, 5)) as Frame[])).toEqual(seqIds(5, 3));
    expect(ids((await rel(5, 100, 5)) as Frame[])).toEqual(seqIds(5, 5));
    expect(ids((await rel(0, 2, 1_000)) as Frame[])).toEqual(seqIds(105, 104)); // start above the count: the newest
    expect(await rel(6, 100, 5)).toEqual([]);
    expect(await rel(0, 0, 0)).toEqual([]);
    expect(await rel(0, 100, 0, 'nobody')).toEqual([]);
  });

  it('planted synthetic transfers are in the accounts history under the numbers they hold in the synthetic chain', async () => {
    const s = await sim({
      historyApi: true,
      syntheticHistory: {
        blocks: 50,
        opsPerBlock: 3,
        transfersToBroker: [{ block: 10, from: 'eve', amountSats: 2_500_000_000n, memo: 'x' }],
      },
    });
    const c = await raw(s.url);
    await c.result(1, 'login', ['', '']);
    expect(await c.result(1, 'history')).toBe(2);
    const h = (await c.result(2, 'get_account_history', ['broker', '1.11.0', 10, '1.11.0'])) as Frame[];
    const [planted] = s.transfersTo('broker');
    expect(h.map((x) => [x.block_num, x.trx_in_block, x.id])).toEqual([[10, planted!.trxInBlock, `1.11.${9 * 3 + planted!.trxInBlock}`]]);
    expect(h[0]!.op).toEqual((s.state.block(10)!.transactions as Frame[])[planted!.trxInBlock]!.operations[0]);
    expect(h[0]!.op[1].amount).toEqual({ amount: '2500000000', asset_id: '1.3.0' });
    // Live operations continue after the 50 × 3 + 1 synthetic ones.
    s.fund('broker', 1_000_000n);
    await s.clientTransfer({ from: 'broker', to: 'eve', amountSats: 1n });
    s.produceBlocks(1);
    const again = (await c.result(2, 'get_account_history', ['eve', '1.11.0', 10, '1.11.0'])) as Frame[];
    expect(again.map((x) => x.id)).toEqual(['1.11.151', h[0]!.id]);
  });
});
