import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encryptMemo, generateKeyPair } from '../../src/chain/bitshares/index.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { btsToSats } from '../../src/domain/money.js';
import { useTempDir } from '../helpers/tempDir.js';
import { BIN, type Desk, oneSentence, runCli, startDesk } from './fixture.js';

const tempDir = useTempDir();
let desk: Desk | undefined;
let daemon: ChildProcess | undefined;
afterEach(async () => {
  daemon?.kill('SIGKILL');
  daemon = undefined;
  await desk?.close();
  desk = undefined;
});
beforeAll(() => {
  if (!existsSync('dist/cli/main.js')) throw new Error('run `npm run build` first (the CLI is tested compiled)');
});

type Running = { child: ChildProcess; output: () => string; exited: Promise<number | null> };

function startInBackground(d: Desk): Promise<Running> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'start', '--password-file', d.passwordFile], {
      cwd: d.dir,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let text = '';
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    const onData = (b: Buffer) => {
      text += String(b);
      if (/stakebts started/.test(text)) resolve({ child, output: () => text, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`daemon exited (${code}) before it started: ${text.slice(0, 800)}`)));
  });
}

function keyFile(d: Desk, name: string, wif: string): string {
  const path = join(d.dir, name);
  writeFileSync(path, `${wif}\n`, { mode: 0o600 });
  return path;
}

type Listed = {
  broker: { account: string; activePublicKey: string; memoPublicKey: string; retiredMemoPublicKeys: string[] };
  bittrex: unknown[];
};

async function listKeys(d: Desk): Promise<Listed> {
  const r = await runCli(['keys', 'list', '--keystore', d.keystore, '--password-file', d.passwordFile, '--json'], d.dir);
  expect(r.code, r.err).toBe(0);
  return JSON.parse(r.out) as Listed;
}

/** The broker account's keys as an `account_update` by its owner would set them on chain. */
function updateBrokerOnChain(d: Desk, keys: { memoPub?: string; activePub?: string }): void {
  const rec = d.chain.state.accounts.get(d.broker.id);
  if (!rec) throw new Error('no broker');
  if (keys.memoPub) rec.memoPub = keys.memoPub;
  if (keys.activePub) rec.activePub = keys.activePub;
}

describe('keys rotate-memo / rotate-active', () => {
  it('replaces the memo key alone; a stake whose memo is encrypted to the retired key still opens a contract', async () => {
    desk = await startDesk(tempDir());
    const before = await listKeys(desk);
    const oldMemoPub = desk.broker.memoPub;
    const next = generateKeyPair();
    const wifFile = keyFile(desk, 'new-memo.wif', next.wif);
    const r = await runCli(
      ['keys', 'rotate-memo', '--keystore', desk.keystore, '--wif-file', wifFile, '--password-file', desk.passwordFile],
      desk.dir,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`The memo key of ${desk.keystore} is now ${next.pub} (was ${oldMemoPub}); every other key is unchanged.`);
    // Public keys only: neither WIF, nor the active key, nor an API secret appears anywhere.
    for (const secret of [next.wif, desk.broker.memoWif, desk.broker.activeWif, desk.accounts[0]!.apiSecret]) {
      expect(r.out + r.err).not.toContain(secret);
      expect(readFileSync(desk.keystore, 'utf8')).not.toContain(secret);
    }
    const after = await listKeys(desk);
    expect(after.broker).toEqual({ ...before.broker, memoPublicKey: next.pub, retiredMemoPublicKeys: [oldMemoPub] });
    expect(after.bittrex).toEqual(before.bittrex);
    expect(JSON.parse(readFileSync(desk.keystore, 'utf8')).v).toBe(2);

    // The chain still has the old memo key: the next start re-checks and refuses, writing nothing.
    const refused = await runCli(['start', '--password-file', desk.passwordFile], desk.dir, { timeoutMs: 30_000 });
    expect(refused.code).toBe(1);
    expect(oneSentence(refused.err)).toMatch(/The memo key in the keystore is not the memo key of "stakebts-broker" on chain\./);
    expect(existsSync(join(desk.dir, 'stakebts.sqlite'))).toBe(false);

    updateBrokerOnChain(desk, { memoPub: next.pub });
    const run = await startInBackground(desk);
    daemon = run.child;
    for (const name of ['old-wallet', 'new-wallet']) {
      desk.chain.createAccount(name);
      desk.chain.fund(name, btsToSats(60_000));
    }
    // A wallet that looked the broker up before the rotation encrypts to the old memo key; another to the new one.
    const oldWallet = desk.chain.state.simAccounts.get('old-wallet')!;
    await desk.chain.clientTransfer({
      from: 'old-wallet',
      to: 'stakebts-broker',
      amountSats: btsToSats(25_000),
      rawMemo: encryptMemo({ fromWif: oldWallet.memoWif, toPub: oldMemoPub, text: 'six_months' }),
    });
    await desk.chain.clientTransfer({ from: 'new-wallet', to: 'stakebts-broker', amountSats: btsToSats(50_000), memo: 'three_months' });
    const contracts = () => {
      const db = openDatabase(join(desk!.dir, 'stakebts.sqlite'), { readonly: true });
      try {
        return db.prepare('SELECT user, amount, months FROM contracts ORDER BY amount').all();
      } finally {
        db.close();
      }
    };
    let seen: unknown[] = [];
    for (let i = 0; i < 100 && seen.length < 2; i++) {
      desk.chain.produceBlocks(1);
      await new Promise((res) => setTimeout(res, 150));
      seen = contracts();
    }
    expect(seen).toEqual([
      { user: 'old-wallet', amount: 25_000, months: 6 },
      { user: 'new-wallet', amount: 50_000, months: 3 },
    ]);
    // Opened normally: no refund minus 50 for either.
    expect(desk.chain.transfersTo('old-wallet').filter((t) => t.fromName === 'stakebts-broker' && t.amountSats > btsToSats(1))).toEqual([]);
    expect(run.output()).not.toContain('memo_undecryptable');
  }, 120_000);

  it('replaces the active key alone; the next start refuses it until the chain gives it the active authority', async () => {
    desk = await startDesk(tempDir());
    const before = await listKeys(desk);
    const next = generateKeyPair();
    const wifFile = keyFile(desk, 'new-active.wif', next.wif);
    const r = await runCli(
      ['keys', 'rotate-active', '--keystore', desk.keystore, '--wif-file', wifFile, '--password-file', desk.passwordFile],
      desk.dir,
    );
    expect(r.code, r.err).toBe(0);
    expect(r.out + r.err).not.toContain(next.wif);
    const after = await listKeys(desk);
    expect(after.broker).toEqual({ ...before.broker, activePublicKey: next.pub, retiredMemoPublicKeys: [] });

    const refused = await runCli(['start', '--password-file', desk.passwordFile], desk.dir, { timeoutMs: 30_000 });
    expect(refused.code).toBe(1);
    expect(oneSentence(refused.err)).toMatch(
      /^stakebts: The active key in the keystore is not an active key of "stakebts-broker" on chain\./,
    );
    expect(existsSync(join(desk.dir, 'stakebts.sqlite'))).toBe(false);

    updateBrokerOnChain(desk, { activePub: next.pub });
    const ok = await runCli(['start', '--password-file', desk.passwordFile], desk.dir, { until: /stakebts started/ });
    expect(ok.code).toBe(0);
  }, 90_000);

  it('changes nothing on a wrong password, a key file others can read, or the key already in place', async () => {
    desk = await startDesk(tempDir());
    const original = readFileSync(desk.keystore);
    const next = generateKeyPair();
    const wifFile = keyFile(desk, 'new-memo.wif', next.wif);
    const wrongPw = join(desk.dir, 'wrong');
    writeFileSync(wrongPw, 'not the password\n', { mode: 0o600 });
    const wrong = await runCli(
      ['keys', 'rotate-memo', '--keystore', desk.keystore, '--wif-file', wifFile, '--password-file', wrongPw],
      desk.dir,
    );
    expect(wrong.code).toBe(1);
    expect(oneSentence(wrong.err)).toBe('stakebts: Wrong keystore password.');

    const open = join(desk.dir, 'open.wif');
    writeFileSync(open, `${next.wif}\n`, { mode: 0o644 });
    const exposed = await runCli(
      ['keys', 'rotate-memo', '--keystore', desk.keystore, '--wif-file', open, '--password-file', desk.passwordFile],
      desk.dir,
    );
    expect(exposed.code).toBe(1);
    expect(oneSentence(exposed.err)).toMatch(/The key file .*open\.wif is accessible to other users \(mode 644\); run: chmod 600/);

    const same = keyFile(desk, 'same.wif', desk.broker.memoWif);
    const unchanged = await runCli(
      ['keys', 'rotate-memo', '--keystore', desk.keystore, '--wif-file', same, '--password-file', desk.passwordFile],
      desk.dir,
    );
    expect(unchanged.code).toBe(2);
    expect(oneSentence(unchanged.err)).toBe(`stakebts: ${desk.broker.memoPub} is already the memo key in the keystore; nothing changed.`);

    const noTty = await runCli(['keys', 'rotate-active', '--keystore', desk.keystore], desk.dir);
    expect(noTty.code).toBe(1);
    expect(oneSentence(noTty.err)).toBe(
      'stakebts: No terminal to type on; pass --wif-file and --password-file (mode 0600). Nothing was written.',
    );
    for (const run of [wrong, exposed, unchanged, noTty]) expect(run.out + run.err).not.toContain(next.wif);
    expect(readFileSync(desk.keystore).equals(original)).toBe(true);
  }, 90_000);
});
