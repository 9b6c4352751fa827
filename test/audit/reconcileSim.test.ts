import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { Command } from 'commander';
import { afterEach, describe, expect, it } from 'vitest';
import { fetchBrokerTransfers } from '../../src/audit/fetchBrokerTransfers.js';
import { runReconcile } from '../../src/audit/runReconcile.js';
import { createNodeClient, type NodeClient } from '../../src/chain/nodeClient/index.js';
import { auditCommand } from '../../src/cli/commands/audit.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { insertPayoutIntent } from '../../src/db/payouts.js';
import { createBittrexClient } from '../../src/exchange/bittrex/index.js';
import { generateSimAccounts, startBittrexSimulator } from '../../src/sim/bittrex/index.js';
import { startChainSimulator } from '../../src/sim/chain/index.js';
import { Secret } from '../../src/wallet/Secret.js';
import { simPayload, simRailLedgers } from '../helpers/railLedgers.js';
import { useTempDir } from '../helpers/tempDir.js';
import { Ledger, T0 } from './buildLedger.js';

const tempDir = useTempDir();
/** The simulator's withdrawal fee (its default): the engine requests amount + fee so the client receives the amount. */
const FEE = 500_000n;
const cleanup: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
  process.exitCode = 0;
});

/** A broker paying on chain and through one Bittrex account, against the two simulators over real sockets. */
async function world({ historyApi = true }: { historyApi?: boolean } = {}) {
  const chain = await startChainSimulator({ blockIntervalMs: 0, irreversibleLag: 0, historyApi });
  cleanup.push(() => chain.close());
  chain.createAccount('broker');
  const alice = chain.createAccount('alice');
  chain.createAccount('mallory');
  chain.fund('broker', 100_000_000_000n);
  const [acct] = generateSimAccounts(1, { balanceSats: 100_000_000_000n });
  if (!acct) throw new Error('no account');
  const bittrex = await startBittrexSimulator({ accounts: [acct], rateLimitPerMinute: 0 });
  cleanup.push(() => bittrex.close());
  const exchange = createBittrexClient({ baseUrl: bittrex.url, apiKey: new Secret(acct.apiKey), apiSecret: new Secret(acct.apiSecret) });
  const dir = tempDir();
  const ledger = new Ledger(dir);
  cleanup.push(() => {
    ledger.db.close();
  });

  /** What the payout engine records for a broker-rail payment, then the transfer itself on the chain. */
  const payOnChain = async (sourceKey: string, sats: bigint, send = true) => {
    const id = insertPayoutIntent(
      ledger.db,
      {
        sourceKey,
        purpose: 'refund',
        contractId: null,
        stakeId: null,
        recipient: 'alice',
        recipientId: alice.id,
        amountSats: sats,
        memo: 'm',
      },
      T0,
    ).id;
    const txId = send ? (await chain.clientTransfer({ from: 'broker', to: 'alice', amountSats: sats })).txId : 'f'.repeat(40);
    chain.produceBlocks(1);
    ledger.completePayout(id, T0, 'broker', txId);
    return { id, txId };
  };
  const payOnBittrex = async (sourceKey: string, sats: bigint) => {
    const id = insertPayoutIntent(
      ledger.db,
      {
        sourceKey,
        purpose: 'refund',
        contractId: null,
        stakeId: null,
        recipient: 'alice',
        recipientId: alice.id,
        amountSats: sats,
        memo: 'm',
      },
      T0,
    ).id;
    const cwid = randomUUID();
    const outcome = await exchange.createWithdrawal({
      quantity: sats + FEE,
      cryptoAddress: 'alice',
      cryptoAddressTag: 'm',
      clientWithdrawalId: cwid,
    });
    if (outcome.kind !== 'created') throw new Error(`withdrawal ${outcome.kind}`);
    ledger.completePayout(id, T0, 'bittrex1', outcome.withdrawal.id, cwid);
    return { id, withdrawalId: outcome.withdrawal.id };
  };
  const node = createNodeClient({ urls: [chain.url] });
  cleanup.push(() => node.close());
  // The exchange side as the audit commands read it: the Bittrex rail kind's ledger, over the simulator.
  const ledgers = simRailLedgers(bittrex.url, [acct]);
  const brokerAccount = chain.account('broker')!;
  const payload = simPayload({ name: 'broker', activeWif: brokerAccount.activeWif, memoWif: brokerAccount.memoWif }, [acct]);
  return { chain, bittrex, exchange, ledger, ledgers, payload, node, dir, payOnChain, payOnBittrex, brokerId: brokerAccount.id };
}

describe('audit reconcile against the chain and Bittrex simulators', () => {
  it('finds nothing when every payment is on its rail, then reports what is on one side only', async () => {
    const w = await world();
    await w.payOnChain('a', 1_000_000n);
    await w.payOnChain('b', 2_500_000n);
    await w.payOnBittrex('c', 3_000_000n);
    await w.bittrex.processPending();
    const sides = () => ({
      db: w.ledger.db,
      chain: { node: w.node, brokerId: w.brokerId },
      exchanges: w.ledgers,
    });
    const clean = await runReconcile(sides());
    expect(clean.issues).toEqual([]);
    expect(clean.matched).toBe(3);
    expect(clean.chainTransfers).toBe(2);
    expect(clean.withdrawals).toEqual({ bittrex1: 1 });

    // 1. the broker sends money no payout explains; 2. a Bittrex withdrawal no payout explains;
    // 3. a payout recorded paid whose transfer never reached the chain (removed on the simulator side).
    const stray = await w.chain.clientTransfer({ from: 'broker', to: 'mallory', amountSats: 7_000_000n });
    w.chain.produceBlocks(1);
    const extra = await w.exchange.createWithdrawal({ quantity: 4_000_000n, cryptoAddress: 'mallory', clientWithdrawalId: randomUUID() });
    if (extra.kind !== 'created') throw new Error('not created');
    const lost = await w.payOnChain('d', 5_000_000n, false);
    const r = await runReconcile(sides());
    expect(r.issues.map((i) => `${i.kind} ${i.ref}`).sort()).toEqual(
      [
        `chain_only chain tx ${stray.txId} (block ${w.chain.txBlock(stray.txId)}/0/0)`,
        `db_only payout ${lost.id}`,
        `exchange_only bittrex1 withdrawal ${extra.withdrawal.id}`,
      ].sort(),
    );
    // The same answer from a block scan instead of the account history.
    const scanned = await runReconcile({
      ...sides(),
      chain: { node: w.node, brokerId: w.brokerId, blocks: { from: 1, to: w.chain.lastIrreversibleBlockNumber } },
    });
    expect(scanned.issues).toEqual(r.issues);
  });

  it('reports a payout whose amount on chain differs and one paid twice (chain and Bittrex)', async () => {
    const w = await world();
    const a = await w.payOnChain('a', 1_000_000n);
    const b = await w.payOnBittrex('b', 3_000_000n);
    // The same payout also went out on chain (a failover after an outcome that was not a definite "not sent").
    const again = await w.chain.clientTransfer({ from: 'broker', to: 'alice', amountSats: 3_000_000n });
    w.chain.produceBlocks(1);
    w.ledger.db
      .prepare(
        `INSERT INTO payout_attempts (payout_id, attempt_no, rail, idem_key, request, state, created_at, updated_at) VALUES (?, 9, 'broker', ?, '{}', 'expired', 0, 0)`,
      )
      .run(b.id, again.txId);
    // The recorded amount of payout a altered behind the schema's back.
    w.ledger.db.exec('DROP TRIGGER payouts_terms_frozen');
    w.ledger.db.prepare('UPDATE payouts SET amount_sats = 999 WHERE id = ?').run(a.id);
    const r = await runReconcile({
      db: w.ledger.db,
      chain: { node: w.node, brokerId: w.brokerId },
      exchanges: w.ledgers,
    });
    expect(r.issues.map((i) => `${i.kind} ${i.ref}`).sort()).toEqual(
      [`amount_mismatch payout ${a.id}`, `paid_twice payout ${b.id}`, `state_mismatch payout ${b.id}`].sort(),
    );
  });

  it('`audit reconcile` prints the differences and exits 1, with injected clients and a read-only database', async () => {
    // A node that does not offer the history api: the command scans the blocks instead and says so.
    const w = await world({ historyApi: false });
    await w.payOnChain('a', 1_000_000n);
    const lost = await w.payOnChain('b', 2_000_000n, false);
    const path = w.ledger.db.name;
    let out = '';
    const program = new Command('stakebts').option('--db <file>').option('-c, --config <file>').exitOverride();
    program.addCommand(
      auditCommand({
        write: (t) => {
          out += t;
        },
        connectChain: () => createNodeClient({ urls: [w.chain.url] }) as NodeClient,
        unlockKeystore: async () => w.payload,
      }),
    );
    const cfgFile = `${w.dir}/cfg.json`;
    writeFileSync(
      cfgFile,
      JSON.stringify({
        db: path,
        broker: 'broker',
        bittrex: { baseUrl: w.bittrex.url, accounts: [{ index: 1, depositMemo: 'memo-1' }] },
        payout: { rails: ['broker', 'bittrex1', 'bittrex2'] },
      }),
    );
    await program.parseAsync(['node', 'stakebts', '--config', cfgFile, 'audit', 'reconcile']);
    expect(process.exitCode).toBe(1);
    expect(out).toContain('checked 1 broker transfer(s) on chain, 0 bittrex1 withdrawal(s); 1 matched a payout');
    expect(out).toContain('not checked: bittrex2: listed in payout.rails but not configured in bittrex.accounts');
    expect(out).toContain(`[db_only] payout ${lost.id}: paid on broker`);
    expect(out).toContain(`note: broker (chain): the node offers no history api; scanned blocks 1..${w.chain.lastIrreversibleBlockNumber}`);
    // The database was opened read-only by the command: still writable here, and unchanged.
    const ro = openDatabase(path, { readonly: true });
    expect((ro.prepare('SELECT count(*) AS n FROM payouts').get() as { n: number }).n).toBe(2);
    ro.close();
  });
  it('pages through the account history at any page size, operation 1.11.0 included, as a block scan finds them', async () => {
    const w = await world();
    // The broker holds the chain's first operations (1.11.0 and 1.11.1, where a page can end), then another account's
    // transfer (1.11.2) sits between the broker's.
    await w.payOnChain('a', 1_000_000n);
    await w.payOnChain('b', 2_000_000n);
    await w.chain.clientTransfer({ from: 'alice', to: 'mallory', amountSats: 10n });
    await w.payOnChain('c', 3_000_000n);
    await w.chain.clientTransfer({ from: 'broker', to: 'mallory', amountSats: 4_000_000n });
    w.chain.produceBlocks(1);
    expect([0, 1, 2, 3, 4].map((n) => (w.chain.state.opHistory.get(n)!.op as [number, { from: string }])[1].from === w.brokerId)).toEqual([
      true,
      true,
      false,
      true,
      true,
    ]);
    const scanned = await fetchBrokerTransfers(w.node, {
      brokerId: w.brokerId,
      blocks: { from: 1, to: w.chain.lastIrreversibleBlockNumber },
    });
    expect(scanned).toHaveLength(4);
    for (const pageSize of [1, 2, 3, 4, 5, 100]) {
      expect(await fetchBrokerTransfers(w.node, { brokerId: w.brokerId, pageSize })).toEqual(scanned);
    }
  });

  it('`audit reconcile` on a node with the history api reads it (no block scan) and finds the same', async () => {
    const w = await world({ historyApi: true });
    await w.payOnChain('a', 1_000_000n);
    const lost = await w.payOnChain('b', 2_000_000n, false);
    let out = '';
    const program = new Command('stakebts').option('--db <file>').option('-c, --config <file>').exitOverride();
    program.addCommand(
      auditCommand({
        write: (t) => {
          out += t;
        },
        connectChain: () => createNodeClient({ urls: [w.chain.url] }) as NodeClient,
        unlockKeystore: async () => w.payload,
      }),
    );
    const cfgFile = `${w.dir}/cfg.json`;
    writeFileSync(
      cfgFile,
      JSON.stringify({
        db: w.ledger.db.name,
        broker: 'broker',
        bittrex: { baseUrl: w.bittrex.url, accounts: [{ index: 1, depositMemo: 'm' }] },
      }),
    );
    await program.parseAsync(['node', 'stakebts', '--config', cfgFile, 'audit', 'reconcile', '--json']);
    const doc = JSON.parse(out) as { chainTransfers: number; notes: string[]; issues: Array<{ ref: string }> };
    expect(doc.notes).toEqual([]);
    expect(doc.chainTransfers).toBe(1);
    expect(doc.issues.map((i) => i.ref)).toEqual([`payout ${lost.id}`]);
    expect(process.exitCode).toBe(1);
  });

  it('`audit reconcile` lists a withdrawal still in flight apart from the differences, and reads only a time window with --since/--until', async () => {
    const w = await world({ historyApi: true });
    await w.payOnChain('a', 1_000_000n);
    const pending = await w.payOnBittrex('b', 3_000_000n); // not processed by the exchange yet: still in flight
    const lost = await w.payOnChain('c', 2_000_000n, false); // paid in the database (at T0, 2020), on chain nowhere
    const cfgFile = `${w.dir}/cfg.json`;
    writeFileSync(
      cfgFile,
      JSON.stringify({
        db: w.ledger.db.name,
        broker: 'broker',
        bittrex: { baseUrl: w.bittrex.url, accounts: [{ index: 1, depositMemo: 'm' }] },
      }),
    );
    const run = async (...args: string[]) => {
      let out = '';
      const program = new Command('stakebts').option('--db <file>').option('-c, --config <file>').exitOverride();
      program.addCommand(
        auditCommand({
          write: (t) => {
            out += t;
          },
          connectChain: () => createNodeClient({ urls: [w.chain.url] }) as NodeClient,
          unlockKeystore: async () => w.payload,
        }),
      );
      process.exitCode = 0;
      await program.parseAsync(['node', 'stakebts', '--config', cfgFile, 'audit', 'reconcile', ...args]);
      return { out, code: process.exitCode };
    };
    const all = await run();
    expect(all.out).toContain(
      `1 payment(s) still in flight (not settled yet, check again later):\n  [REQUESTED] bittrex1 withdrawal ${pending.withdrawalId}: 30 BTS to alice`,
    );
    expect(all.out).toContain(`[db_only] payout ${lost.id}`);
    expect(all.code).toBe(1);
    // A window of the last hour: the 2020 payout is outside it and not judged; the in-flight withdrawal still shows.
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const recent = await run('--since', since);
    expect(recent.out).not.toContain('db_only');
    expect(recent.out).toContain('no differences among settled payments');
    expect(recent.out).toContain(`[REQUESTED] bittrex1 withdrawal ${pending.withdrawalId}`);
    expect(recent.code).toBe(0);
    // A window in the future reads no chain transfer.
    const later = await run('--since', String(Date.now() + 86_400_000), '--json');
    expect((JSON.parse(later.out) as { chainTransfers: number }).chainTransfers).toBe(0);
    // A bad time is a usage error.
    await expect(run('--until', 'yesterday')).rejects.toMatchObject({ code: 'USAGE' });
  });
});
