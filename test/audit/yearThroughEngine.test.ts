import { afterEach, describe, expect, it } from 'vitest';
import { auditVerify } from '../../src/audit/auditVerify.js';
import { buildReport } from '../../src/audit/buildReport.js';
import { contractStory } from '../../src/audit/contractStory.js';
import { listContracts } from '../../src/audit/listContracts.js';
import { listPayouts } from '../../src/audit/listPayouts.js';
import { runReconcile } from '../../src/audit/runReconcile.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { btsToSats } from '../../src/domain/money.js';
import { simRailLedgers } from '../helpers/railLedgers.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Harness, startHarness } from '../payout/harness.js';

const tempDir = useTempDir();
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('audit over a simulated year through the listener and the payout engine', () => {
  it("every command's figures agree with the chain and Bittrex simulators' ledgers", async () => {
    // Bittrex 1 is tried first and runs dry part-way: payments fall over to the broker, so both rails carry money.
    h = await startHarness({
      dir: tempDir(),
      blockTimeMs: 3 * 86_400_000,
      clients: ['alice', 'bob', 'carol', 'dave'],
      bittrexBts: [30_000, 0, 0],
      sim: { historyApi: true },
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
    const H = h;
    const send = (from: string, bts: number, memo: string) =>
      H.chain.clientTransfer({ from, to: 'broker', amountSats: btsToSats(bts), memo });
    await send('alice', 100_000, 'six_months');
    await send('bob', 50_000, 'three_months');
    await send('carol', 25_000, 'twelve_months');
    await send('dave', 300, 'not a memo');
    await H.until(() => (H.db.prepare('SELECT count(*) AS n FROM contracts').get() as { n: number }).n === 3, 10);
    const start = (H.db.prepare('SELECT min(start) AS s FROM contracts').get() as { s: number }).s;
    const month = H.config.terms.monthMs;
    // Carol stops after two and a half months.
    while (H.chain.state.headTimeMs < start + 2.5 * month) await H.step(1);
    await send('carol', 2, 'stop');
    // Run to seven months (past alice's maturity), then let every payment settle.
    while (H.chain.state.headTimeMs < start + 7 * month) await H.step(1);
    for (let i = 0; i < 8; i++) await H.step(1);

    // The auditor's read-only connection while the daemon's connection stays open.
    const db = openDatabase(H.config.db, { readonly: true });
    try {
      const verify = auditVerify(db, H.config.terms);
      expect(verify.failures).toEqual([]);
      expect(verify.ok).toBe(true);

      const contracts = listContracts(db);
      expect(contracts.map((c) => [c.user, c.state, c.interestPaid])).toEqual([
        ['alice', 'matured', 6],
        ['bob', 'matured', 3],
        ['carol', 'stopped', 2],
      ]);

      // What each client received on chain (from the broker or from Bittrex's deposit account) is exactly what the
      // paid payouts to them say, and nothing is left unpaid.
      const paid = listPayouts(db, { state: 'paid' });
      expect(listPayouts(db).filter((p) => p.state !== 'paid')).toEqual([]);
      for (const user of ['alice', 'bob', 'carol', 'dave']) {
        const onChain = H.paidTo(user).reduce((s, t) => s + t.amountSats, 0n);
        const inDb = paid.filter((p) => p.recipient === user).reduce((s, p) => s + BigInt(p.amount_sats), 0n);
        expect([user, inDb]).toEqual([user, onChain]);
      }
      const rails = new Set(paid.map((p) => p.rail));
      expect(rails).toEqual(new Set(['bittrex1', 'broker']));
      // Every Bittrex-rail payout is one completed withdrawal of account 1 (its attempt key is the clientWithdrawalId,
      // its external id the chain tx Bittrex made), and every completed withdrawal is one payout.
      const withdrawals = H.bittrex.ledger(0).filter((w) => w.status === 'COMPLETED');
      const viaBittrex = db
        .prepare(
          `SELECT a.idem_key AS wid, p.external_id AS tx FROM payout_attempts a JOIN payouts p ON p.id = a.payout_id WHERE a.state = 'paid' AND a.rail = 'bittrex1'`,
        )
        .all() as { wid: string; tx: string }[];
      expect(viaBittrex.map((r) => [r.wid, r.tx]).sort()).toEqual(withdrawals.map((w) => [w.clientWithdrawalId, w.txId]).sort());
      expect(viaBittrex).toHaveLength(paid.filter((p) => p.rail === 'bittrex1').length);

      // Reconcile against both simulators: nothing on one side only.
      const exchanges = simRailLedgers(H.bittrex.url, H.accounts);
      const rec = await runReconcile({ db, chain: { node: H.node, brokerId: H.broker.id }, exchanges });
      expect(rec.issues).toEqual([]);
      // The same from a block scan (a node without the history api).
      const scanned = await runReconcile({
        db,
        chain: { node: H.node, brokerId: H.broker.id, blocks: { from: 1, to: H.chain.lastIrreversibleBlockNumber } },
        exchanges,
      });
      expect([scanned.issues, scanned.chainTransfers, scanned.matched]).toEqual([[], rec.chainTransfers, rec.matched]);
      expect(rec.chainTransfers).toBe(H.chain.transfersFrom('broker').length);
      expect(rec.matched).toBe(paid.length);

      // Report: interest paid equals the interest payouts; nothing is owed any more.
      const report = buildReport(db);
      const interestPaid = report.interestPaid.reduce((s, m) => s + BigInt(m.sats), 0n);
      expect(interestPaid).toBe(paid.filter((p) => p.purpose === 'interest').reduce((s, p) => s + BigInt(p.amount_sats), 0n));
      expect(report.liabilities.every((m) => m.totalSats === '0')).toBe(true);
      expect(report.openContracts).toEqual([]);
      expect(report.refunds).toEqual([{ state: 'paid', refunds: 1, sats: String(btsToSats(250)) }]);

      // Carol's story names every payment's tx or withdrawal id.
      const carol = contracts[2];
      const story = contractStory(db, carol?.id ?? -1);
      const ids = new Set(story?.timeline.map((e) => e.externalId));
      for (const p of story?.payouts ?? []) expect(ids.has(p.external_id)).toBe(true);
      // A payment through Bittrex shows its withdrawal id too (from the payment receipt).
      const wids = new Set(H.bittrex.ledger(0).map((w) => w.id));
      const bittrexPaid = story?.timeline.filter((e) => e.externalId !== null && [...wids].some((w) => e.externalId?.includes(w))) ?? [];
      expect(bittrexPaid.length).toBe(story?.payouts.filter((p) => p.rail === 'bittrex1').length ?? -1);
      expect(story?.payouts.map((p) => p.purpose)).toEqual(['contract_receipt', 'interest', 'interest', 'stop']);
    } finally {
      db.close();
    }
  }, 300_000);
});
