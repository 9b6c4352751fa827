import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptMemo, publicKeyFromWif } from '../../../src/chain/bitshares/index.js';
import { parseConfig } from '../../../src/config/index.js';
import { createBittrexClient } from '../../../src/exchange/bittrex/index.js';
import {
  parseAssetAmount,
  readSimKeys,
  readSimRun,
  SIM_ACCOUNTS,
  type SimDesk,
  sendSimTransfer,
  startSimDesk,
} from '../../../src/sim/desk/index.js';
import { wait } from '../../../src/utils/promise/index.js';
import { openKeystore } from '../../../src/wallet/openKeystore.js';
import { Secret } from '../../../src/wallet/Secret.js';
import { useTempDir } from '../../helpers/tempDir.js';

const tempDir = useTempDir();
const open: SimDesk[] = [];
afterEach(async () => {
  for (const d of open.splice(0)) await d.close();
});
const up = async (dir: string) => {
  const desk = await startSimDesk({ dir, chainPort: 0, bittrexPort: 0, blockIntervalMs: 200, completeAfterMs: 100 });
  open.push(desk);
  return desk;
};
const freePort = async (): Promise<number> => {
  const srv = createServer();
  await new Promise<void>((ok) => srv.listen(0, '127.0.0.1', ok));
  const { port } = srv.address() as AddressInfo;
  await new Promise((ok) => srv.close(ok));
  return port;
};
const mode = (path: string) => statSync(path).mode & 0o777;
async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 30_000): Promise<T> {
  const giveUp = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > giveUp) throw new Error(`timed out waiting for ${what}`);
    await wait(50);
  }
}

describe('sim up: a desk on the linked simulators', () => {
  it('writes keys, credentials, password and keystore once (0600), a config that parses and names this run, and reuses them on the next run', async () => {
    const dir = tempDir();
    const first = await up(dir);
    expect(first.keysCreated).toBe(true);
    for (const f of ['sim-keys.json', 'sim-run.json', 'password', 'stakebts.keystore.json', 'stakebts.config.json']) {
      expect(mode(join(dir, f)), f).toBe(0o600);
    }
    // Every account has its own owner, active and memo key, and no two accounts share one.
    const pubs = SIM_ACCOUNTS.flatMap((n) => {
      const a = first.chain.account(n)!;
      return [a.ownerPub, a.activePub, a.memoPub];
    });
    expect(new Set(pubs).size).toBe(SIM_ACCOUNTS.length * 3);
    // The chain's accounts carry the keys written to D.
    const keys = await readSimKeys(dir);
    for (const n of SIM_ACCOUNTS) expect(first.chain.account(n)!.memoPub).toBe(publicKeyFromWif(keys.accounts[n]!.memoWif));

    const config = parseConfig(JSON.parse(readFileSync(join(dir, 'stakebts.config.json'), 'utf8')));
    expect(config.nodes).toEqual([first.chain.url]);
    expect(config.chainId).toBe(first.chain.chainId);
    expect(config.rails.map((r) => r.kind)).toEqual(['broker', 'bittrex', 'bittrex', 'bittrex']);
    const payload = await openKeystore(join(dir, 'stakebts.keystore.json'), first.password);
    expect(payload.broker.account).toBe('stakebts-broker');
    expect(payload.broker.activeWif.reveal()).toBe(keys.accounts['stakebts-broker']!.activeWif);
    expect(payload.bittrex.map((b) => b.apiKey.reveal())).toEqual(keys.bittrex.map((b) => b.apiKey));
    expect(readFileSync(join(dir, 'password'), 'utf8').trim()).toBe(first.password);
    expect(readSimRun(dir)).toMatchObject({ chainUrl: first.chain.url, bittrexUrl: first.bittrex.url, chainId: first.chain.chainId });

    const keysBefore = readFileSync(join(dir, 'sim-keys.json'), 'utf8');
    const keystoreBefore = readFileSync(join(dir, 'stakebts.keystore.json'), 'utf8');
    await first.close();
    const second = await up(dir);
    expect(second.keysCreated).toBe(false);
    expect(second.password).toBe(first.password);
    expect(readFileSync(join(dir, 'sim-keys.json'), 'utf8')).toBe(keysBefore);
    expect(readFileSync(join(dir, 'stakebts.keystore.json'), 'utf8')).toBe(keystoreBefore);
    for (const n of SIM_ACCOUNTS) expect(second.chain.account(n)!.activePub).toBe(first.chain.account(n)!.activePub);
    // A new chain each run: another chain id and its own database, so a daemon never reads a new chain as its old one.
    expect(second.chain.chainId).not.toBe(first.chain.chainId);
    expect(second.files.db).not.toBe(first.files.db);
    expect(parseConfig(JSON.parse(readFileSync(join(dir, 'stakebts.config.json'), 'utf8'))).chainId).toBe(second.chain.chainId);
  });

  it('refuses a keys file that is readable by others, and one that is not its own, without overwriting it', async () => {
    const dir = tempDir();
    const desk = await up(dir);
    await desk.close();
    const path = join(dir, 'sim-keys.json');
    const text = readFileSync(path, 'utf8');
    writeFileSync(path, text, { mode: 0o644 });
    chmodSync(path, 0o644);
    await expect(startSimDesk({ dir, chainPort: 0, bittrexPort: 0 })).rejects.toThrow(/accessible to other users/);
    chmodSync(path, 0o600);
    writeFileSync(path, '{"v":1}');
    await expect(startSimDesk({ dir, chainPort: 0, bittrexPort: 0 })).rejects.toThrow(/not a simulator keys file/);
    expect(readFileSync(path, 'utf8')).toBe('{"v":1}');
  });

  it('a port already taken is one sentence naming the option to change, and nothing is left listening', async () => {
    const first = await up(tempDir());
    const dir = tempDir();
    await expect(startSimDesk({ dir, chainPort: first.chain.port, bittrexPort: 0 })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/cannot listen on port \d+ \(EADDRINUSE\); choose another with --chain-port/),
    });
    const bittrexPort = Number(new URL(first.bittrex.url).port);
    const chainPort = await freePort();
    await expect(startSimDesk({ dir, chainPort, bittrexPort })).rejects.toThrow(/choose another with --bittrex-port/);
    // The chain simulator it had started is closed again: its port is free.
    const again = createServer();
    await new Promise<void>((ok, fail) => again.once('error', fail).listen(chainPort, '127.0.0.1', ok));
    await new Promise((ok) => again.close(ok));
  });

  it('refuses a folder a running sim up of another process holds, and takes it over once that process has ended', async () => {
    const dir = tempDir();
    const desk = await up(dir);
    await desk.close();
    const run = JSON.parse(readFileSync(join(dir, 'sim-run.json'), 'utf8'));
    writeFileSync(join(dir, 'sim-run.json'), JSON.stringify({ ...run, pid: process.ppid }), { mode: 0o600 });
    await expect(startSimDesk({ dir, chainPort: 0, bittrexPort: 0 })).rejects.toThrow(
      /is in use by a running `stakebts sim up` \(pid \d+\)/,
    );
    const ended = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    writeFileSync(join(dir, 'sim-run.json'), JSON.stringify({ ...run, pid: ended }), { mode: 0o600 });
    await up(dir);
  });

  it('a completed Bittrex withdrawal arrives on the chain as a transfer from the exchange account, its memo the address tag', async () => {
    const desk = await up(tempDir());
    const keys = await readSimKeys(desk.dir);
    const b = keys.bittrex[0]!;
    const client = createBittrexClient({ baseUrl: desk.bittrex.url, apiKey: new Secret(b.apiKey), apiSecret: new Secret(b.apiSecret) });
    const before = desk.chain.balance('carol');
    const outcome = await client.createWithdrawal({
      quantity: 1_234_500_000n,
      cryptoAddress: 'carol',
      cryptoAddressTag: 'thanks',
      clientWithdrawalId: randomUUID(),
    });
    expect(outcome.kind).toBe('created');
    const t = await until('the withdrawal on chain', () => desk.chain.transfersTo('carol').find((x) => x.fromName === 'bittrex-deposit'));
    const w = await until('the withdrawal completed', () => desk.bittrex.ledger(0).find((x) => x.status === 'COMPLETED'));
    expect(w.txId).toBe(t.txId);
    // The exchange keeps its withdrawal fee (txCost) out of what it sends.
    expect(t.amountSats).toBe(1_234_500_000n - w.txCost);
    const memo = decryptMemo(t.memo!, keys.accounts.carol!.memoWif);
    expect(memo.ok && memo.bytes.toString('utf8')).toBe('thanks');
    expect(desk.chain.balance('carol') - before).toBe(t.amountSats);
  });

  it('a transfer to the exchange account with an account deposit memo credits that account once irreversible', async () => {
    const desk = await up(tempDir());
    const keys = await readSimKeys(desk.dir);
    const before = desk.bittrex.balance(1); // the second account (the simulator counts from 0)
    await sendSimTransfer({
      url: desk.chain.url,
      chainId: desk.chain.chainId,
      from: 'desk-manager',
      activeWif: keys.accounts['desk-manager']!.activeWif,
      memoWif: keys.accounts['desk-manager']!.memoWif,
      to: 'bittrex-deposit',
      amount: '500',
      memoText: keys.bittrex[1]!.depositMemo,
    });
    await until('the deposit credited', () => (desk.bittrex.balance(1) > before ? true : undefined));
    expect(desk.bittrex.balance(1) - before).toBe(50_000_000n);
  });
});

describe('sim send: a signed client transfer with an encrypted memo', () => {
  it('stakes: the chain verifies the signature, the broker reads the memo with its memo key, the amount is exact', async () => {
    const desk = await up(tempDir());
    const keys = await readSimKeys(desk.dir);
    const alice = keys.accounts.alice!;
    const before = desk.chain.balance('alice');
    const r = await sendSimTransfer({
      url: desk.chain.url,
      chainId: desk.chain.chainId,
      from: 'alice',
      activeWif: alice.activeWif,
      memoWif: alice.memoWif,
      to: 'stakebts-broker',
      amount: '25000',
      memoText: '{"type":"six_months"}',
    });
    expect(r.blockNum).toEqual(expect.any(Number));
    const t = desk.chain.transfersTo('stakebts-broker').find((x) => x.txId === r.txId)!;
    expect(t).toMatchObject({ fromName: 'alice', amountSats: 2_500_000_000n, assetId: '1.3.0', blockNum: r.blockNum });
    const memo = decryptMemo(t.memo!, keys.accounts['stakebts-broker']!.memoWif);
    expect(memo.ok && memo.bytes.toString('utf8')).toBe('{"type":"six_months"}');
    expect(before - desk.chain.balance('alice')).toBe(2_500_000_000n + r.feeSats);
  });

  it('another asset, and no memo at all', async () => {
    const desk = await up(tempDir());
    const bob = (await readSimKeys(desk.dir)).accounts.bob!;
    const base = {
      url: desk.chain.url,
      chainId: desk.chain.chainId,
      from: 'bob',
      activeWif: bob.activeWif,
      memoWif: bob.memoWif,
      to: 'stakebts-broker',
    };
    const usd = await sendSimTransfer({ ...base, amount: '12.5', asset: 'usd' });
    const none = await sendSimTransfer({ ...base, amount: '300' });
    const ts = desk.chain.transfersTo('stakebts-broker');
    expect(ts.find((x) => x.txId === usd.txId)).toMatchObject({ assetId: '1.3.121', amountSats: 125_000n, memo: undefined });
    expect(ts.find((x) => x.txId === none.txId)).toMatchObject({ assetId: '1.3.0', amountSats: 30_000_000n, memo: undefined });
  });

  it('refuses an unknown receiver or asset, and a transfer above the balance, in one sentence', async () => {
    const desk = await up(tempDir());
    const bob = (await readSimKeys(desk.dir)).accounts.bob!;
    const base = {
      url: desk.chain.url,
      chainId: desk.chain.chainId,
      from: 'bob',
      activeWif: bob.activeWif,
      memoWif: bob.memoWif,
      to: 'stakebts-broker',
    };
    await expect(sendSimTransfer({ ...base, to: 'nobody-here', amount: '1' })).rejects.toMatchObject({
      code: 'USAGE',
      message: expect.stringMatching(/no account nobody-here/),
    });
    await expect(sendSimTransfer({ ...base, amount: '1', asset: 'XYZ' })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(sendSimTransfer({ ...base, amount: '99999999' })).rejects.toMatchObject({
      code: 'TX_INVALID',
      message: expect.stringMatching(/refused.*Insufficient Balance/i),
    });
  });

  it('reads amounts as integers of the asset precision, never as floats', () => {
    const ok: Array<[string, number, bigint]> = [
      ['25000', 5, 2_500_000_000n],
      ['0.1', 5, 10_000n],
      ['0.00001', 5, 1n],
      ['12.5', 4, 125_000n],
      ['7', 0, 7n],
    ];
    for (const [text, precision, sats] of ok) expect(parseAssetAmount(text, precision), text).toBe(sats);
    for (const bad of ['0', '0.00000', '-5', 'abc', '1e5', '1.000001', '', ' ', '1,000']) {
      expect(() => parseAssetAmount(bad, 5), bad).toThrow(/--amount/);
    }
  });
});
