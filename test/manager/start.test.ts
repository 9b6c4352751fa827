import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPair } from '../../src/chain/bitshares/index.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { startChainSimulator } from '../../src/sim/chain/index.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Desk, oneSentence, runCli, startDesk } from './fixture.js';

const tempDir = useTempDir();
let desk: Desk | undefined;
afterEach(async () => {
  await desk?.close();
  desk = undefined;
});
beforeAll(() => {
  if (!existsSync('dist/cli/main.js')) throw new Error('run `npm run build` first (the CLI is tested compiled)');
});

async function refused(setup: (d: Desk) => Promise<void> | void, args: string[] = [], code = 1): Promise<string> {
  desk = await startDesk(tempDir());
  await setup(desk);
  const r = await runCli(['start', '--password-file', desk.passwordFile, ...args], desk.dir);
  expect(r.code).toBe(code);
  // Nothing written: no database, no lock file.
  expect(existsSync(join(desk.dir, 'stakebts.sqlite'))).toBe(false);
  return oneSentence(r.err);
}

describe('stakebts start refuses with one clear sentence and writes nothing', () => {
  it('wrong password', async () => {
    const line = await refused(async (d) => {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(d.passwordFile, 'not the password\n', { mode: 0o600 });
    });
    expect(line).toBe('stakebts: Wrong keystore password.');
  });

  it('a rails entry of a kind the daemon does not know', async () => {
    // A config error: usage, exit 2.
    const line = await refused((d) => d.writeConfig({ bittrex: { accounts: [] }, rails: [{ kind: 'broker' }, { kind: 'paypal' }] }), [], 2);
    expect(line).toContain('rails.1: unknown rail kind "paypal" (known: broker, bittrex)');
  });

  it("keys that are not the broker's active key", async () => {
    const line = await refused((d) => d.writeKeys({ activeWif: generateKeyPair().wif }));
    expect(line).toMatch(/The active key in the keystore is not an active key of "stakebts-broker" on chain\./);
  });

  it("a memo key that is not the broker's", async () => {
    const line = await refused((d) => d.writeKeys({ memoWif: generateKeyPair().wif }));
    expect(line).toMatch(/The memo key in the keystore is not the memo key of "stakebts-broker" on chain\./);
  });

  it('an owner key in the keystore', async () => {
    const line = await refused((d) => {
      // An account whose owner authority holds its active key too: the active key in the keystore is an owner key.
      const rec = d.chain.state.accounts.get(d.broker.id);
      if (rec) rec.ownerPub = d.broker.activePub;
    });
    expect(line).toMatch(/is an owner key of account stakebts-broker/);
  });

  it('chain id mismatch', async () => {
    const line = await refused((d) => d.writeConfig({ chainId: 'ab'.repeat(32) }), [], 3); // could not run
    expect(line).toMatch(new RegExp(`The node is on chain [0-9a-f]{64}, not the configured chain ${'ab'.repeat(32)}\\.`));
  });

  it('Bittrex authentication failure', async () => {
    const line = await refused((d) => d.writeKeys({ bittrexSecret: 'wrong-secret-0123456789' }));
    expect(line).toMatch(/Bittrex account 1 refused a signed balance request \(INVALID_SIGNATURE\); check its API key\./);
  });

  it('unreachable nodes', async () => {
    const gone = await startChainSimulator();
    const url = gone.url;
    await gone.close();
    const line = await refused((d) => d.writeConfig({ nodes: [url] }), [], 3); // could not run
    expect(line).toMatch(/No BitShares node answered \(tried 1 URL\(s\)\); check "nodes" in the config\./);
  });

  it('a password on the command line or in the environment', async () => {
    desk = await startDesk(tempDir());
    const argv = await runCli(['start', '--password=hunter22'], desk.dir);
    expect(argv.code).toBe(1);
    expect(oneSentence(argv.err)).toMatch(/Refusing --password on the command line/);
    expect(argv.err).not.toContain('hunter22');
    const env = await runCli(['start'], desk.dir, { env: { STAKEBTS_PASSWORD: 'hunter22' } });
    expect(env.code).toBe(1);
    expect(oneSentence(env.err)).toMatch(/Refusing the environment variable STAKEBTS_PASSWORD/);
    expect(existsSync(join(desk.dir, 'stakebts.sqlite'))).toBe(false);
  });
});

describe('stakebts start with the right keys', () => {
  it('runs until SIGTERM, then stops gracefully with start-up and shutdown receipts', async () => {
    desk = await startDesk(tempDir());
    desk.chain.produceBlocks(5);
    const r = await runCli(['start', '--password-file', desk.passwordFile], desk.dir, { until: /stakebts started/ });
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/stakebts stopped/);
    const db = openDatabase(join(desk.dir, 'stakebts.sqlite'), { readonly: true });
    try {
      const events = (db.prepare(`SELECT json_extract(msg, '$.event') AS e FROM receipts ORDER BY id`).all() as { e: string }[]).map(
        (x) => x.e,
      );
      expect(events[0]).toBe('startup');
      expect(events.at(-1)).toBe('shutdown');
      const startup = JSON.parse((db.prepare('SELECT msg FROM receipts WHERE id = 1').get() as { msg: string }).msg);
      expect(startup.railBalancesSats).toEqual([{ rail: 'bittrex1', availableSats: '1000000000' }]);
    } finally {
      db.close();
    }
  });

  it('starts with its rails in the registry form: the broker, then a Bittrex account as one instance of its kind', async () => {
    desk = await startDesk(tempDir());
    const account = { kind: 'bittrex', account: 1, depositMemo: desk.accounts[0]!.depositTag, baseUrl: desk.bittrex.url, timeoutMs: 5_000 };
    desk.writeConfig({ bittrex: { accounts: [] }, rails: [{ kind: 'broker' }, account] });
    const r = await runCli(['start', '--password-file', desk.passwordFile], desk.dir, { until: /stakebts started/ });
    expect(r.code).toBe(0);
    const db = openDatabase(join(desk.dir, 'stakebts.sqlite'), { readonly: true });
    try {
      const startup = JSON.parse((db.prepare('SELECT msg FROM receipts WHERE id = 1').get() as { msg: string }).msg);
      expect(startup.rails).toEqual(['broker', 'bittrex1']);
      expect(startup.railBalancesSats).toEqual([{ rail: 'bittrex1', availableSats: '1000000000' }]);
    } finally {
      db.close();
    }
  });

  it('does not fail on one transient Bittrex error at start: it retries with backoff', async () => {
    desk = await startDesk(tempDir());
    desk.bittrex.inject({ kind: 'status', status: 500, times: 1, path: '/balances' });
    desk.bittrex.inject({ kind: 'status', status: 503, times: 1, path: '/balances' });
    const r = await runCli(['start', '--password-file', desk.passwordFile], desk.dir, { until: /stakebts started/ });
    expect(r.code).toBe(0);
    const db = openDatabase(join(desk.dir, 'stakebts.sqlite'), { readonly: true });
    try {
      const startup = JSON.parse((db.prepare('SELECT msg FROM receipts WHERE id = 1').get() as { msg: string }).msg);
      expect(startup.railBalancesSats).toEqual([{ rail: 'bittrex1', availableSats: '1000000000' }]);
    } finally {
      db.close();
    }
  }, 60_000);

  it('starts without an exchange account that stays unreachable (the broker rail pays), and receipts why', async () => {
    desk = await startDesk(tempDir());
    desk.bittrex.inject({ kind: 'status', status: 500, path: '/balances' });
    const r = await runCli(['start', '--password-file', desk.passwordFile], desk.dir, { until: /stakebts started/ });
    expect(r.code).toBe(0);
    expect(r.out + r.err).toMatch(/Bittrex account 1 did not answer at start-up/);
    const db = openDatabase(join(desk.dir, 'stakebts.sqlite'), { readonly: true });
    try {
      const startup = JSON.parse((db.prepare('SELECT msg FROM receipts WHERE id = 1').get() as { msg: string }).msg);
      expect(startup.railBalancesSats).toEqual([]);
      expect(startup.railsUnreachable).toEqual([{ rail: 'bittrex1', error: 'Bittrex answered HTTP 500' }]);
    } finally {
      db.close();
    }
  }, 60_000);

  it('a node on another chain is skipped with a receipt; the daemon runs on the right one', async () => {
    desk = await startDesk(tempDir());
    const other = await startChainSimulator({ chainId: 'cd'.repeat(32) });
    try {
      desk.writeConfig({ nodes: [other.url, desk.chain.url] });
      const r = await runCli(['start', '--password-file', desk.passwordFile], desk.dir, { until: /stakebts started/ });
      expect(r.code).toBe(0);
      const db = openDatabase(join(desk.dir, 'stakebts.sqlite'), { readonly: true });
      try {
        const refused = (
          db.prepare(`SELECT msg FROM receipts WHERE json_extract(msg, '$.event') = 'node_refused'`).all() as { msg: string }[]
        ).map((x) => JSON.parse(x.msg) as Record<string, unknown>);
        expect(refused).toEqual([expect.objectContaining({ node: other.url, expectedChainId: desk.chain.chainId })]);
      } finally {
        db.close();
      }
    } finally {
      await other.close();
    }
  }, 60_000);
});

describe('stakebts start never works on whatever chain a node is on', () => {
  it('without a chainId setting it expects BitShares mainnet, and a node on another chain is refused', async () => {
    desk = await startDesk(tempDir());
    const { chainId: _dropped, ...rest } = desk.config;
    writeFileSync(join(desk.dir, 'stakebts.config.json'), JSON.stringify(rest));
    const r = await runCli(['start', '--password-file', desk.passwordFile], desk.dir, { timeoutMs: 30_000 });
    expect(r.code).toBe(3); // could not run
    expect(oneSentence(r.err)).toMatch(
      new RegExp(
        `The node is on chain ${desk.chain.chainId}, not the configured chain 4018d7844c78f6a6c41c6a552b898022310fc5dec06da467ee7905a8dad512c8\\.`,
      ),
    );
    expect(existsSync(join(desk.dir, 'stakebts.sqlite'))).toBe(false);
  }, 60_000);
});
