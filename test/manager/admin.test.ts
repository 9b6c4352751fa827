import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/chain/bitshares/index.js';
import { parseConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { importLegacyContracts } from '../../src/import/importLegacyContracts.js';
import { writeKeystore } from '../../src/wallet/createKeystore.js';
import { wrapPayload } from '../../src/wallet/keystoreFormat.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Desk, oneSentence, PASSWORD, runCli, startDesk } from './fixture.js';

const tempDir = useTempDir();
let desk: Desk | undefined;
afterEach(async () => {
  await desk?.close();
  desk = undefined;
});
beforeAll(() => {
  if (!existsSync('dist/cli/main.js')) throw new Error('run `npm run build` first');
});

const DAY = 86_400_000;

/** A fund move as the manager runs it: with the keystore password from the desk's password file. */
const move = (d: Desk, args: string[], extra: string[] = []) =>
  runCli(['admin', ...args, '--password-file', d.passwordFile, ...extra], d.dir);

/** A database holding one 25 000 BTS contract whose first interest (2 000 BTS) falls due in 2 days. */
function seed(d: Desk): void {
  const db = openDatabase(join(d.dir, 'stakebts.sqlite'));
  try {
    const start = Date.now() - 28 * DAY;
    importLegacyContracts(db, `alice ${start} 25000 3 0\n`, parseConfig(d.config).terms);
  } finally {
    db.close();
  }
}

function rows(d: Desk) {
  const db = openDatabase(join(d.dir, 'stakebts.sqlite'), { readonly: true });
  try {
    return {
      payouts: db.prepare(`SELECT purpose, recipient, amount_sats, memo, state FROM payouts WHERE purpose LIKE '%bittrex%'`).all(),
      actions: db.prepare('SELECT manager, action, amount_sats, account, outcome FROM admin_actions').all(),
      receipts: db.prepare(`SELECT json_extract(msg, '$.event') AS e FROM receipts WHERE json_extract(msg, '$.event') LIKE 'admin%'`).all(),
      messages: (db.prepare(`SELECT msg FROM receipts WHERE json_extract(msg, '$.event') LIKE 'admin%'`).all() as { msg: string }[]).map(
        (r) => JSON.parse(r.msg) as Record<string, unknown>,
      ),
    };
  } finally {
    db.close();
  }
}

describe('stakebts admin', () => {
  it('refuses broker-to-bittrex when it would leave the next 7 days uncovered, and writes nothing', async () => {
    desk = await startDesk(tempDir(), { brokerBts: 2_500 });
    seed(desk);
    const r = await move(desk, ['broker-to-bittrex', '--account', '1', '--amount', '1000']);
    expect(r.code).toBe(1);
    expect(oneSentence(r.err)).toBe(
      'stakebts: Refused: moving 1000.00000 BTS would leave 1500.00000 BTS on the broker, less than the 2000.00000 BTS due in the next 7 days.',
    );
    expect(rows(desk)).toEqual({ payouts: [], actions: [], receipts: [], messages: [] });
  });

  it('queues broker-to-bittrex that keeps the cover: an intent to the deposit account, an admin_actions row, a receipt', async () => {
    desk = await startDesk(tempDir(), { brokerBts: 2_500 });
    seed(desk);
    const r = await move(desk, ['broker-to-bittrex', '--account', '1', '--amount', '450.5']);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/Queued broker_to_bittrex of 450\.50000 BTS \(Bittrex account 1\) as payment \d+/);
    const got = rows(desk);
    expect(got.payouts).toEqual([
      {
        purpose: 'broker_to_bittrex',
        recipient: 'bittrex-deposit',
        amount_sats: 45_050_000,
        memo: desk.accounts[0]?.depositTag,
        state: 'pending',
      },
    ]);
    expect(got.actions).toEqual([
      { manager: expect.stringMatching(/^cli:/), action: 'broker_to_bittrex', amount_sats: 45_050_000, account: 1, outcome: 'queued' },
    ]);
    expect(got.receipts).toEqual([{ e: 'admin_queued' }]);
  });

  it('queues bittrex-to-broker to the broker itself, tagged funding; refuses an unconfigured account and a tiny amount', async () => {
    desk = await startDesk(tempDir());
    seed(desk);
    const ok = await move(desk, ['bittrex-to-broker', '--account', '1', '--amount', '5000']);
    expect(ok.code).toBe(0);
    expect(rows(desk).payouts).toEqual([
      {
        purpose: 'bittrex_to_broker',
        recipient: 'stakebts-broker',
        amount_sats: 500_000_000,
        memo: '{"type":"funding"}',
        state: 'pending',
      },
    ]);
    const unknown = await move(desk, ['bittrex-to-broker', '--account', '2', '--amount', '5000']);
    expect(oneSentence(unknown.err)).toMatch(/Exchange account 2 is not configured/);
    const small = await move(desk, ['bittrex-to-broker', '--account', '1', '--amount', '399']);
    expect(oneSentence(small.err)).toMatch(/below the admin minimum of 400 BTS/);
    expect(rows(desk).payouts).toHaveLength(1);
  });

  it('refuses a move off the broker when no node answers (the cover cannot be checked)', async () => {
    desk = await startDesk(tempDir());
    seed(desk);
    desk.writeConfig({ nodes: ['ws://127.0.0.1:9'] });
    const r = await move(desk, ['broker-to-bittrex', '--account', '1', '--amount', '500']);
    expect(r.code).toBe(3); // could not run
    expect(oneSentence(r.err)).toMatch(/No BitShares node answered, so the broker balance cannot be checked; nothing was queued\./);
    expect(rows(desk).payouts).toEqual([]);
  });

  it.each([
    ['999999999999999', /--amount 999999999999999 BTS is more than the BTS max supply/],
    ['0', /--amount must be more than 0 BTS/],
    ['-5', /--amount must be more than 0 BTS/],
  ])('an amount out of range (%s) is one sentence and exit 2, nothing queued', async (amount, sentence) => {
    desk = await startDesk(tempDir());
    seed(desk);
    const r = await move(desk, ['bittrex-to-broker', '--account', '1', '--amount', amount]);
    expect(r.code).toBe(2);
    expect(r.err.trim().split('\n')).toHaveLength(1);
    expect(oneSentence(r.err)).toMatch(sentence);
    expect(r.err).not.toMatch(/\bat \S+:\d+/); // no stack trace
    expect(rows(desk).payouts).toEqual([]);
  });

  it.each(['0', 'abc', '1.5', '100'])(
    'an account number that is not one (%s) is one sentence and exit 2, nothing queued',
    async (account) => {
      desk = await startDesk(tempDir());
      seed(desk);
      const r = await move(desk, ['bittrex-to-broker', '--account', account, '--amount', '5000']);
      expect(r.code).toBe(2);
      expect(oneSentence(r.err)).toBe(`stakebts: --account "${account}" is not an exchange account number (1-99).`);
      expect(rows(desk).payouts).toEqual([]);
    },
  );

  it('refuses a fund move without the keystore password and writes nothing', async () => {
    desk = await startDesk(tempDir(), { brokerBts: 2_500 });
    seed(desk);
    const args = ['admin', 'bittrex-to-broker', '--account', '1', '--amount', '5000'];
    // No password file and no terminal to type it on.
    const none = await runCli(args, desk.dir);
    expect(none.code).toBe(1);
    expect(oneSentence(none.err)).toBe(
      'stakebts: No terminal to type the keystore password on; pass --password-file (mode 0600). Nothing was queued.',
    );
    // A wrong password.
    const wrong = join(desk.dir, 'wrong-password');
    writeFileSync(wrong, 'not the password\n', { mode: 0o600 });
    const bad = await runCli([...args, '--password-file', wrong], desk.dir);
    expect(oneSentence(bad.err)).toBe('stakebts: Wrong keystore password.');
    // Where `start` refuses a password, so does a fund move, without echoing it.
    const argv = await runCli([...args, `--password=${PASSWORD}`], desk.dir);
    expect(oneSentence(argv.err)).toMatch(/^stakebts: Refusing --password on the command line/);
    expect(argv.err).not.toContain(PASSWORD);
    const env = await runCli(args, desk.dir, { env: { STAKEBTS_PASSWORD: PASSWORD } });
    expect(oneSentence(env.err)).toMatch(/^stakebts: Refusing the environment variable STAKEBTS_PASSWORD/);
    // The keystore of another desk (another broker) does not authorise this one.
    await writeKeystore(
      desk.keystore,
      wrapPayload({
        broker: { account: 'other-broker', activeWif: generateKeyPair('o').wif, memoWif: generateKeyPair('p').wif },
        bittrex: [],
      }),
      PASSWORD,
      { kdf: { N: 2 ** 14, r: 8, p: 1 }, overwrite: true },
    );
    const other = await move(desk, ['bittrex-to-broker', '--account', '1', '--amount', '5000']);
    expect(oneSentence(other.err)).toMatch(/The keystore holds the keys of "other-broker"/);
    for (const r of [none, bad, argv, env, other]) expect(r.code).toBe(1);
    expect(rows(desk)).toEqual({ payouts: [], actions: [], receipts: [], messages: [] });
  });

  it("records the manager and the keystore's public fingerprint (as keys list shows it) in the receipt, nothing secret", async () => {
    desk = await startDesk(tempDir());
    seed(desk);
    const r = await move(desk, ['bittrex-to-broker', '--account', '1', '--amount', '5000']);
    expect(r.code).toBe(0);
    const listed = await runCli(['keys', 'list', '--keystore', desk.keystore, '--password-file', desk.passwordFile, '--json'], desk.dir);
    const fingerprint = (JSON.parse(listed.out) as { fingerprint: string }).fingerprint;
    expect(fingerprint).toMatch(/^[0-9a-f]{64}$/);
    const [receipt] = rows(desk).messages;
    expect(receipt).toMatchObject({
      event: 'admin_queued',
      via: 'cli',
      manager: expect.stringMatching(/^cli:/),
      keystoreFingerprint: fingerprint,
    });
    const text = JSON.stringify(receipt);
    for (const s of [desk.broker.activeWif, desk.broker.memoWif, desk.accounts[0]!.apiKey, desk.accounts[0]!.apiSecret, PASSWORD]) {
      expect(text).not.toContain(s);
    }
  });

  it('lists loans per manager', async () => {
    desk = await startDesk(tempDir());
    seed(desk);
    const db = openDatabase(join(desk.dir, 'stakebts.sqlite'));
    const add = db.prepare('INSERT INTO loans (source_key, manager, manager_id, amount_sats, block, created_at) VALUES (?, ?, ?, ?, ?, ?)');
    add.run('op:5:0:0', 'desk-manager', '1.2.102', 100_000_000, 5, 1);
    add.run('op:9:0:0', 'desk-manager', '1.2.102', 50_000_000, 9, 2);
    add.run('op:7:0:0', 'other-boss', '1.2.103', 200_000_000, 7, 3);
    db.close();
    const r = await runCli(['admin', 'loans', '--json'], desk.dir);
    expect(r.code).toBe(0);
    const loans = JSON.parse(r.out) as Array<{ manager: string; count: number; totalSats: string }>;
    expect(loans.map((l) => [l.manager, l.count, l.totalSats])).toEqual([
      ['desk-manager', 2, '150000000'],
      ['other-boss', 1, '200000000'],
    ]);
    const table = await runCli(['admin', 'loans'], desk.dir);
    expect(table.out).toMatch(/desk-manager\s*│\s*2\s*│\s*1500\.00000/);
  });
});
