import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/chain/bitshares/index.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { runDemo } from '../../src/demo/runDemo.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
beforeAll(() => {
  if (!existsSync('dist/daemon/daemonProcess.js')) throw new Error('run `npm run build` first (the demo forks the compiled daemon)');
});

describe('no secret leaks (demo with debug logging)', () => {
  it('planted keystore and Bittrex secrets appear in no log line, receipt, database row, file or output', async () => {
    const tag = randomBytes(4).toString('hex');
    const active = generateKeyPair(`leak-active-${tag}`);
    const memo = generateKeyPair(`leak-memo-${tag}`);
    const password = `PLANTEDpassword${tag}xyz`;
    const bittrex = [1, 2, 3].map((i) => ({
      apiKey: `PLANTEDkey${i}${tag}${randomBytes(6).toString('hex')}`,
      apiSecret: `PLANTEDsecret${i}${tag}${randomBytes(6).toString('hex')}`,
    }));
    const planted = [password, active.wif, memo.wif, ...bittrex.flatMap((b) => [b.apiKey, b.apiSecret])];

    const dir = tempDir();
    const narration: string[] = [];
    const result = await runDemo({
      dir,
      months: 4,
      fast: true,
      logLevel: 'debug',
      password,
      brokerKeys: { activeWif: active.wif, memoWif: memo.wif },
      bittrexCredentials: bittrex,
      onLine: (l) => narration.push(l),
    });
    // The run really used the planted credentials: the keys signed payments and the API keys authenticated.
    expect(result.summary.ledgerCheck.ok).toBe(true);
    expect(result.summary.payments.some((p) => p.rail === 'bittrex1')).toBe(true);
    const log = readFileSync(join(dir, 'daemon.log'), 'utf8');
    expect(log).toMatch(/"level":20/); // debug lines were written

    const found: string[] = [];
    const scan = (where: string, text: string | Buffer) => {
      for (const s of planted)
        if ((typeof text === 'string' ? text : text.toString('latin1')).includes(s)) found.push(`${s.slice(0, 10)}… in ${where}`);
    };
    // Every file the demo left (log, database and its WAL, config, ledgers, summary) byte for byte; the keystore
    // holds them encrypted, so not in clear either.
    for (const f of readdirSync(dir)) scan(f, readFileSync(join(dir, f)));
    // Every row of every table, as text.
    const db = openDatabase(join(dir, 'stakebts.sqlite'), { readonly: true });
    try {
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
      for (const t of tables) scan(`table ${t.name}`, JSON.stringify(db.prepare(`SELECT * FROM "${t.name}"`).all()));
    } finally {
      db.close();
    }
    scan('daemon stderr', result.daemonStderr);
    scan('narration', narration.join('\n'));
    scan('summary', JSON.stringify(result.summary));
    expect(found).toEqual([]);
  }, 300_000);

  it('a demo that fails after unlocking the keystore reports an error without the planted secrets', async () => {
    const secret = `PLANTEDbad${randomBytes(8).toString('hex')}`;
    const password = `PLANTEDpw${randomBytes(8).toString('hex')}`;
    const dir = tempDir();
    let error: unknown;
    try {
      // The keystore is written, unlocked and checked, then forking the daemon fails (no such entry).
      await runDemo({
        dir,
        months: 1,
        fast: true,
        password,
        bittrexCredentials: [{ apiKey: `PLANTEDk${secret}`, apiSecret: secret }],
        daemonEntry: join(dir, 'missing-daemon.js'),
      });
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(Error);
    const text = `${String(error)}\n${(error as Error).stack ?? ''}\n${JSON.stringify(error)}`;
    for (const s of [secret, password, `PLANTEDk${secret}`]) expect(text).not.toContain(s);
  }, 120_000);
});
