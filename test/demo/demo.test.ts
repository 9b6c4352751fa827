import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/openDatabase.js';
import { runDemo } from '../../src/demo/runDemo.js';
import { btsToSats } from '../../src/domain/money.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();
beforeAll(() => {
  if (!existsSync('dist/daemon/daemonProcess.js')) throw new Error('run `npm run build` first (the demo forks the compiled daemon)');
});

const sum = (xs: bigint[]) => xs.reduce((a, b) => a + b, 0n);

describe('stakebts demo (fast, 12 months)', () => {
  it("runs the script and its summary agrees with the simulators' ledgers and the rules", async () => {
    const dir = tempDir();
    const { summary, ledgers } = await runDemo({ dir, months: 12, fast: true });

    // What the script implies (RULES.md): 5 contracts, dave stopped, everything else matured within the year.
    expect(summary.contracts).toEqual({ total: 5, byMonths: { '3': 2, '6': 2, '12': 1 }, open: 0, matured: 4, stopped: 1 });
    // By purpose over every rail: when the broker runs short (carol's maturity), payments fall over to Bittrex.
    const paid: Record<string, [number, bigint]> = {};
    for (const p of summary.payments) {
      const key = p.purpose === 'bittrex_to_broker' ? `${p.rail}/${p.purpose}` : `broker/${p.purpose}`;
      const [n, s] = paid[key] ?? [0, 0n];
      paid[key] = [n + p.count, s + BigInt(p.sats)];
    }
    // interest: alice 3 + 3 × 2 000, bob 6 × 4 000, carol 12 × 8 000, dave 1 × 2 000 (then he stopped)
    expect(paid['broker/interest']).toEqual([25, btsToSats(6 * 2_000 + 6 * 4_000 + 12 * 8_000 + 2_000)]);
    expect(paid['broker/principal']).toEqual([4, btsToSats(25_000 * 2 + 50_000 + 100_000)]);
    // stop: 25 000 − 15 % + the 1 BTS sent with the stop
    expect(paid['broker/stop']).toEqual([1, btsToSats(25_000 - 3_750 + 1)]);
    expect(paid['broker/contract_receipt']).toEqual([5, btsToSats(5)]);
    expect(paid['bittrex1/bittrex_to_broker']).toEqual([1, btsToSats(5_000)]);
    // refunds: 450 (bad memo) + 29 950 (amount not allowed) + 450 (stranger's admin memo) + 50 (stop without contract)
    expect(summary.refunds).toEqual({ count: 4, sats: String(btsToSats(450 + 29_950 + 450 + 50)) });
    expect(summary.unpaid).toEqual({});
    expect(summary.incoming).toMatchObject({
      'invalid:manager_type_from_non_manager': 1,
      'admin:bittrex_to_broker': 1,
      'admin:loan_to_broker': 1,
      unsupported_asset: 1,
      funding: 1,
      stop: 1,
      new_contract: 5,
    });
    expect(summary.loans).toEqual([{ manager: 'desk-manager', sats: String(btsToSats(1_000)) }]);
    expect(summary.receipts.verified).toBe(true);
    expect(summary.ledgerCheck.ok).toBe(true);

    // Independently of the summary: what the simulators moved, per recipient, equals the paid payments per recipient
    // (chain transfers out of the broker, plus Bittrex withdrawals net of the exchange fee).
    const db = openDatabase(join(dir, 'stakebts.sqlite'), { readonly: true });
    try {
      const dbByRecipient = new Map<string, bigint>();
      for (const r of db.prepare(`SELECT recipient, amount_sats FROM payouts WHERE state = 'paid'`).safeIntegers(true).all() as Array<{
        recipient: string;
        amount_sats: bigint;
      }>) {
        dbByRecipient.set(r.recipient, (dbByRecipient.get(r.recipient) ?? 0n) + r.amount_sats);
      }
      const moved = new Map<string, bigint>();
      const add = (to: string, sats: bigint) => moved.set(to, (moved.get(to) ?? 0n) + sats);
      for (const t of ledgers.brokerOut) add(t.to, BigInt(t.amountSats));
      const withdrawals = ledgers.bittrex.flatMap((b) => b.withdrawals.map((x) => ({ ...x, account: b.account })));
      for (const w of withdrawals) {
        expect(w.status).toBe('COMPLETED');
        add(w.to, BigInt(w.quantitySats) - BigInt(w.txCostSats));
      }
      expect(moved).toEqual(dbByRecipient);
      // carol: the receipt, 12 interest payments, the principal (whatever the rail)
      expect(moved.get('carol')).toBe(btsToSats(1 + 12 * 8_000 + 100_000));
      // Nothing back to gina (USD kept), nor to the manager (admin BTS kept); erin's 60 BTS without memo is kept.
      expect(moved.get('gina')).toBeUndefined();
      expect(moved.get('desk-manager')).toBeUndefined();
      expect(moved.get('erin')).toBe(btsToSats(450 + 29_950));
      // The manager's top-up reached the broker through Bittrex 1.
      expect(
        withdrawals.filter((w) => w.to === 'stakebts-broker').map((w) => [w.account, BigInt(w.quantitySats) - BigInt(w.txCostSats)]),
      ).toEqual([[1, btsToSats(5_000)]]);
      expect(sum([...moved.values()])).toBe(sum(summary.payments.map((p) => BigInt(p.sats))));
    } finally {
      db.close();
    }
  }, 300_000);
});
