import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { runReplay } from '../../src/audit/replay/runReplay.js';
import { generateKeyPair } from '../../src/chain/bitshares/index.js';
import { createNodeClient, type NodeClient } from '../../src/chain/nodeClient/index.js';
import { auditCommand } from '../../src/cli/commands/audit.js';
import { configSchema } from '../../src/config/index.js';
import { writeCursor } from '../../src/db/cursor.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { appendReceipt } from '../../src/db/receipts.js';
import { BTS_MAX_SUPPLY_SATS, btsToSats } from '../../src/domain/money.js';
import { startChainSimulator } from '../../src/sim/chain/index.js';
import { wrapPayload } from '../../src/wallet/keystoreFormat.js';
import { Secret } from '../../src/wallet/Secret.js';
import { simPayload, simRailLedgers } from '../helpers/railLedgers.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Harness, startHarness } from '../payout/harness.js';

const tempDir = useTempDir();
const DAY = 86_400_000;
const sats = (bts: number) => btsToSats(bts);
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
  process.exitCode = 0;
});

/**
 * The desk as the daemon before issue 9 §1 left it, on the chain simulator: alice's stop came 36 days after her
 * stake (interest 1 was due, and aborted: she got 21 261 instead of 2 000 + 21 261), bob's stop came after his
 * contract had matured (settled as premature with the penalty: 21 351 instead of 3 × 2 000 + 25 000 and a 51 BTS
 * refund of his stop). The database holds what the old listener wrote for the transfers: processed_ops rows and
 * transfer_in receipts (with the memos it read), the cursor at the last block.
 */
async function oldBehaviourDesk() {
  const chain = await startChainSimulator({ blockTimeMs: DAY, blockIntervalMs: 0, irreversibleLag: 0, historyApi: true });
  cleanup.push(() => chain.close());
  const broker = chain.createAccount('broker');
  chain.fund('broker', sats(1_000_000));
  for (const name of ['alice', 'bob', 'carol']) {
    chain.createAccount(name);
    chain.fund(name, sats(200_000));
  }
  const memos = new Map<string, string>();
  const toBroker = async (from: string, bts: number, memo: string) => {
    const { txId } = await chain.clientTransfer({ from, to: 'broker', amountSats: sats(bts), memo });
    memos.set(txId, memo);
  };
  const pay = (to: string, bts: number) => chain.clientTransfer({ from: 'broker', to, amountSats: sats(bts), memo: 'payment' });
  await toBroker('alice', 25_000, 'three_months');
  await toBroker('bob', 25_000, 'three_months');
  await toBroker('carol', 300, 'hello'); // invalid: 250 back, paid correctly
  chain.produceBlocks(1);
  await pay('alice', 1);
  await pay('bob', 1);
  await pay('carol', 250);
  chain.produceBlocks(35);
  await toBroker('alice', 11, 'stop');
  chain.produceBlocks(1);
  await pay('alice', 21_261); // the old stop: interest 1 aborted although due
  chain.produceBlocks(60);
  await toBroker('bob', 101, 'stop');
  chain.produceBlocks(1);
  await pay('bob', 21_351); // the old stop of a matured contract: principal − penalty + 101
  chain.produceBlocks(2);

  const dir = tempDir();
  const path = join(dir, 'old.sqlite');
  const db = openDatabase(path);
  const names = new Map([...['alice', 'bob', 'carol'].map((n) => [chain.account(n)?.id, n] as const)]);
  for (const t of chain.transfersTo('broker').filter((x) => x.fromName !== undefined && names.has(x.from))) {
    db.prepare(
      `INSERT INTO processed_ops (block_num, trx_in_block, op_in_trx, tx_id, from_id, amount_sats, asset_id, outcome, block_time, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, 'old', ?, 0)`,
    ).run(t.blockNum, t.trxInBlock, t.opInTrx, t.txId, t.from, t.amountSats, t.assetId, t.timeMs);
    appendReceipt(db, 0, {
      event: 'transfer_in',
      user: names.get(t.from),
      userId: t.from,
      amountSats: t.amountSats,
      asset: t.assetId,
      block: t.blockNum,
      trx: t.trxInBlock,
      op: t.opInTrx,
      txId: t.txId,
      memo: memos.get(t.txId) ?? null,
    });
  }
  writeCursor(db, { blockNum: chain.lastIrreversibleBlockNumber, blockTime: chain.headTimeMs });
  db.close();
  const node = createNodeClient({ urls: [chain.url] });
  cleanup.push(() => node.close());
  return { chain, broker, path, dir, node };
}

describe('audit replay: what every client is owed by RULES.md, against what the chain and Bittrex show was paid', () => {
  it('catches both underpayments of issue 9 §1 on a database built with the old behaviour, client by client', async () => {
    const w = await oldBehaviourDesk();
    const db = openDatabase(w.path, { readonly: true });
    cleanup.push(() => {
      db.close();
    });
    const config = configSchema.parse({ db: w.path, broker: 'broker' });
    const r = await runReplay({
      db,
      node: w.node,
      brokerId: w.broker.id,
      terms: config.terms,
      managers: [],
      fundingAccounts: [],
      maxSupplySats: BTS_MAX_SUPPLY_SATS,
      source: { kind: 'processed_ops' },
    });
    expect(r.ok).toBe(false);
    expect(r.incomingIssues).toEqual([]);
    const view = r.differences.map((d) => ({
      client: d.client,
      missing: d.missing.map((e) => `${e.kind}${e.number ?? ''} ${e.amountSats / 100_000n}`),
      extra: d.extra.map((x) => String(x.amountSats / 100_000n)),
      wrong: d.wrong.map((x) => `${x.owed.kind} ${x.owed.amountSats / 100_000n} got ${x.received.amountSats / 100_000n}`),
    }));
    expect(view).toEqual([
      { client: 'alice', missing: ['interest1 2000'], extra: [], wrong: [] },
      {
        client: 'bob',
        missing: ['interest1 2000', 'interest2 2000', 'interest3 2000', 'principal 25000', 'refund 51'],
        extra: ['21351'],
        wrong: [],
      },
    ]);
    // carol's refund and both receipts matched; alice's stop matched (the stop amount itself was right).
    expect([r.owed, r.matched]).toEqual([10, 4]);
  });

  it('`audit replay` prints missing / extra per client with grouped BTS amounts and exits 1; the same from a block scan', async () => {
    const w = await oldBehaviourDesk();
    const cfgFile = join(w.dir, 'cfg.json');
    writeFileSync(cfgFile, JSON.stringify({ db: w.path, broker: 'broker', payout: { rails: ['broker'] } }));
    const runCli = async (args: string[]) => {
      let out = '';
      const program = new Command('stakebts').option('--db <file>').option('-c, --config <file>').exitOverride();
      program.addCommand(
        auditCommand({
          write: (t) => {
            out += t;
          },
          connectChain: () => createNodeClient({ urls: [w.chain.url] }) as NodeClient,
          unlockKeystore: async () => simPayload(w.broker, []),
        }),
      );
      process.exitCode = 0;
      await program.parseAsync(['node', 'stakebts', '--config', cfgFile, 'audit', 'replay', ...args]);
      return { out, code: process.exitCode };
    };
    const text = await runCli([]);
    expect(text.code).toBe(1);
    expect(text.out).toMatch(/^replay: 5 transfer\(s\) to the broker \(processed_ops, each checked against its block\)/);
    expect(text.out).toContain('2 client(s) with differences:\n  alice\n    missing  interest #1 2,000 BTS due ');
    expect(text.out).toMatch(/ {2}bob\n( {4}missing .*\n){5} {4}extra {4}21,351 BTS \(broker [0-9a-f]{40}\)\n/);
    // The archived report carries the replay's result.
    const html = join(w.dir, 'report.html');
    let out = '';
    const program = new Command('stakebts').option('--db <file>').option('-c, --config <file>').exitOverride();
    program.addCommand(
      auditCommand({
        write: (t) => {
          out += t;
        },
        connectChain: () => createNodeClient({ urls: [w.chain.url] }) as NodeClient,
        unlockKeystore: async () => simPayload(w.broker, []),
      }),
    );
    await program.parseAsync(['node', 'stakebts', '--config', cfgFile, 'audit', 'report', '--html', html, '--replay', '--skip-bittrex']);
    const page = readFileSync(html, 'utf8');
    expect(out).toContain(`HTML report written to ${html}`);
    expect(page).toContain('replay: 2 client(s) with differences');
    expect(page).toMatch(/<td>alice<\/td><td>interest 2,000 BTS<\/td>/);
    const scan = await runCli(['--from-block', '1', '--json']);
    expect(scan.code).toBe(1);
    const json = JSON.parse(scan.out) as { source: string; incoming: number; differences: { client: string }[]; incomingIssues: unknown[] };
    expect([json.source, json.incoming, json.differences.map((d) => d.client), json.incomingIssues]).toEqual([
      'blocks',
      5,
      ['alice', 'bob'],
      [],
    ]);
  });

  it('a transfer on chain the daemon never processed, and one it says it processed that is not on chain, are differences', async () => {
    const w = await oldBehaviourDesk();
    await w.chain.clientTransfer({ from: 'carol', to: 'broker', amountSats: sats(500), memo: 'x' });
    w.chain.produceBlocks(1);
    const db = openDatabase(w.path);
    writeCursor(db, { blockNum: w.chain.lastIrreversibleBlockNumber, blockTime: w.chain.headTimeMs });
    db.prepare(
      `INSERT INTO processed_ops (block_num, trx_in_block, op_in_trx, tx_id, from_id, amount_sats, asset_id, outcome, block_time, created_at)
       VALUES (3, 5, 0, NULL, ?, 100, '1.3.0', 'invented', 0, 0)`,
    ).run(w.chain.account('carol')?.id);
    db.close();
    const ro = openDatabase(w.path, { readonly: true });
    cleanup.push(() => {
      ro.close();
    });
    const config = configSchema.parse({ db: w.path, broker: 'broker' });
    const base = {
      db: ro,
      node: w.node,
      brokerId: w.broker.id,
      terms: config.terms,
      managers: [],
      fundingAccounts: [],
      maxSupplySats: BTS_MAX_SUPPLY_SATS,
    };
    const fromOps = await runReplay({ ...base, source: { kind: 'processed_ops' } });
    expect(fromOps.incomingIssues.map((i) => `${i.kind} ${i.ref}`)).toEqual(['not_on_chain 3:5:0']);
    // Read from the chain with the broker's memo key, the unprocessed 500 BTS with an invalid memo is owed a refund of 450.
    const fromHistory = await runReplay({ ...base, source: { kind: 'history' }, memoWif: new Secret(w.broker.memoWif) });
    const head = w.chain.lastIrreversibleBlockNumber;
    expect(fromHistory.incomingIssues.map((i) => `${i.kind} ${i.ref.split(':')[0]}`).sort()).toEqual(
      ['not_on_chain 3', `not_processed ${head}`].sort(),
    );
    expect(fromHistory.differences.find((d) => d.client === 'carol')?.missing.map((e) => [e.kind, e.amountSats])).toEqual([
      ['refund', sats(450)],
    ]);
  });

  it('decrypts the memo of a transfer the daemon never processed with the keystore, and without one names it as unclassified (exit 1)', async () => {
    const w = await oldBehaviourDesk();
    // A contract the daemon never saw: only its memo (encrypted to the broker) says it is one.
    await w.chain.clientTransfer({ from: 'carol', to: 'broker', amountSats: sats(50_000), memo: 'six_months' });
    w.chain.produceBlocks(1);
    const block = w.chain.lastIrreversibleBlockNumber;
    const cfgFile = join(w.dir, 'cfg.json');
    const keystore = join(w.dir, 'absent.keystore.json');
    writeFileSync(cfgFile, JSON.stringify({ db: w.path, broker: 'broker', keystore, payout: { rails: ['broker'] } }));
    const run = async (args: string[], unlock?: () => Promise<ReturnType<typeof simPayload>>) => {
      let out = '';
      const program = new Command('stakebts').option('--db <file>').option('-c, --config <file>').exitOverride();
      program.addCommand(
        auditCommand({
          write: (t) => {
            out += t;
          },
          connectChain: () => createNodeClient({ urls: [w.chain.url] }) as NodeClient,
          ...(unlock ? { unlockKeystore: unlock } : {}),
        }),
      );
      process.exitCode = 0;
      await program.parseAsync(['node', 'stakebts', '--config', cfgFile, 'audit', 'replay', ...args]);
      return { out, code: process.exitCode };
    };
    // With the keystore: the memo is read, the stake's receipt (1 BTS) is owed and missing, nothing is unclassified (the
    // transfer is past the daemon's cursor: not yet processed is no issue).
    const keyed = await run(['--history', '--until', String(w.chain.headTimeMs), '--json'], async () => simPayload(w.broker, []));
    const doc = JSON.parse(keyed.out) as {
      incomingIssues: Array<{ kind: string; ref: string }>;
      differences: Array<{ client: string; missing: Array<{ kind: string; amountSats: string; source: string }> }>;
    };
    expect(doc.incomingIssues).toEqual([]);
    expect(
      doc.differences
        .find((d) => d.client === 'carol')
        ?.missing.filter((e) => e.source.startsWith(`${block}:`))
        .map((e) => [e.kind, e.amountSats]),
    ).toEqual([['contract_receipt', String(sats(1))]]);
    // No keystore at the configured path: said plainly, the transfer is named as unclassified, exit 1.
    const bare = await run(['--history', '--until', String(w.chain.headTimeMs)]);
    expect(bare.code).toBe(1);
    expect(bare.out).toContain(`note: no keystore at ${keystore}: the exchange accounts and the memos on chain were not read`);
    expect(bare.out).toMatch(
      new RegExp(`incoming \\[unclassified\\] ${block}:0:0: 50,000 BTS from carol in block ${block}: its memo needs the broker's memo key`),
    );
    expect(bare.out).toContain("1 transfer(s) could not be classified: their memos need the broker's memo key");
    // Nothing is guessed for it: no refund of a contract, no receipt.
    expect(bare.out).not.toMatch(/carol\n(.*\n)*.*(refund|receipt) .*50,000/);
  });

  it("reads a memo encrypted to a memo key since rotated with the keystore's retired memo keys, as the listener does (--history and --from-block)", async () => {
    const w = await oldBehaviourDesk();
    // Encrypted to the broker's memo key of the time; then the key is rotated (account_update on chain, `keys
    // rotate-memo` in the keystore: the old one kept as retired), and a second stake is encrypted to the new one.
    await w.chain.clientTransfer({ from: 'carol', to: 'broker', amountSats: sats(50_000), memo: 'six_months' });
    w.chain.produceBlocks(1);
    const oldKeyBlock = w.chain.lastIrreversibleBlockNumber;
    const next = generateKeyPair();
    const rec = w.chain.state.accounts.get(w.broker.id);
    if (!rec) throw new Error('no broker');
    rec.memoPub = next.pub;
    await w.chain.clientTransfer({ from: 'alice', to: 'broker', amountSats: sats(50_000), memo: 'three_months' });
    w.chain.produceBlocks(1);
    const newKeyBlock = w.chain.lastIrreversibleBlockNumber;
    const cfgFile = join(w.dir, 'cfg.json');
    writeFileSync(
      cfgFile,
      JSON.stringify({ db: w.path, broker: 'broker', keystore: join(w.dir, 'ks.json'), payout: { rails: ['broker'] } }),
    );
    const payload = wrapPayload({
      broker: { account: 'broker', activeWif: w.broker.activeWif, memoWif: next.wif, retiredMemoWifs: [w.broker.memoWif] },
      bittrex: [],
    });
    for (const source of [['--history'], ['--from-block', '1']]) {
      let out = '';
      const program = new Command('stakebts').option('--db <file>').option('-c, --config <file>').exitOverride();
      program.addCommand(
        auditCommand({
          write: (t) => {
            out += t;
          },
          connectChain: () => createNodeClient({ urls: [w.chain.url] }) as NodeClient,
          unlockKeystore: async () => payload,
        }),
      );
      process.exitCode = 0;
      await program.parseAsync([
        'node',
        'stakebts',
        '--config',
        cfgFile,
        'audit',
        'replay',
        ...source,
        '--until',
        String(w.chain.headTimeMs),
        '--json',
      ]);
      const doc = JSON.parse(out) as {
        incomingIssues: Array<{ kind: string; ref: string }>;
        differences: Array<{ client: string; missing: Array<{ kind: string; amountSats: string; source: string }> }>;
      };
      expect(doc.incomingIssues, source.join(' ')).toEqual([]);
      // Both are stakes: each is owed its receipt (1 BTS), neither the refund an unreadable memo would be owed.
      const owedFor = (client: string, block: number) =>
        doc.differences
          .find((d) => d.client === client)
          ?.missing.filter((e) => e.source.startsWith(`${block}:`))
          .map((e) => [e.kind, e.amountSats]);
      expect(owedFor('carol', oldKeyBlock), source.join(' ')).toEqual([['contract_receipt', String(sats(1))]]);
      expect(owedFor('alice', newKeyBlock), source.join(' ')).toEqual([['contract_receipt', String(sats(1))]]);
    }
  });

  it('reports 0 differences on a clean run of the daemon: downtime across a due date then a stop, a stop after maturity, Bittrex and broker rails', async () => {
    const h: Harness = await startHarness({
      dir: tempDir(),
      clients: ['alice', 'bob', 'carol', 'dave'],
      bittrexBts: [30_000, 0, 0],
      config: {
        payout: {
          rails: ['bittrex1', 'broker'],
          timeoutMs: 20_000,
          concurrency: 4,
          cycleMs: 1_000,
          retryBackoffMs: 100,
          maxBackoffMs: 1_000,
        },
      },
    });
    cleanup.push(() => h.close());
    const send = (from: string, bts: number, memo: string) => h.chain.clientTransfer({ from, to: 'broker', amountSats: sats(bts), memo });
    await send('alice', 25_000, 'three_months');
    await send('bob', 25_000, 'three_months');
    await send('carol', 50_000, 'six_months');
    await send('dave', 300, 'not a memo');
    await h.until(() => h.paidTo('dave').length === 1 && h.paidTo('alice').length === 1, 20);
    // Down for 35 days, then alice stops; down again past bob's maturity, then bob stops.
    h.chain.produceBlocks(35);
    await send('alice', 11, 'stop');
    h.chain.produceBlocks(60);
    await send('bob', 101, 'stop');
    h.chain.produceBlocks(3);
    await h.scanner.scanOnce();
    await h.until(() => h.paidTo('carol').length >= 4 && h.paidTo('bob').length >= 6, 40);
    for (let i = 0; i < 4; i++) await h.step(1);
    const db = openDatabase(h.config.db, { readonly: true });
    cleanup.push(() => {
      db.close();
    });
    const exchanges = simRailLedgers(h.bittrex.url, h.accounts);
    const r = await runReplay({
      db,
      node: h.node,
      brokerId: h.broker.id,
      exchanges,
      // This node has no history api: the broker's payments come from a block scan, as `audit replay` does then.
      paymentBlocks: { from: 1, to: h.chain.lastIrreversibleBlockNumber },
      terms: h.config.terms,
      managers: h.config.managers,
      fundingAccounts: h.config.fundingAccounts,
      maxSupplySats: BTS_MAX_SUPPLY_SATS,
      source: { kind: 'processed_ops' },
      ownAccounts: ['broker', 'bittrex-deposit'],
    });
    expect(r.incomingIssues).toEqual([]);
    expect(r.differences).toEqual([]);
    expect(r.inFlight).toEqual([]);
    expect(r.ok).toBe(true);
    expect(r.owed).toBe(r.matched);
    expect(r.owed).toBeGreaterThanOrEqual(14); // alice 3, bob 6 (receipt, 3 interest, principal, refund of the stop), carol 4+, dave 1
    expect(r.paymentsRead.bittrex1).toBeGreaterThan(0); // both rails carried money
    expect(r.paymentsRead.broker).toBeGreaterThan(0);
  }, 240_000);
});
