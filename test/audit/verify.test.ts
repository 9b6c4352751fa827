import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { auditVerify, formatVerifyResult } from '../../src/audit/auditVerify.js';
import { insertContract } from '../../src/db/contracts.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { contractSchedule } from '../../src/domain/contractSchedule.js';
import { useTempDir } from '../helpers/tempDir.js';
import { buildYear, DAY, Ledger, MONTH, T0 } from './buildLedger.js';

const tempDir = useTempDir();

describe('audit verify', () => {
  it('passes on a year built by the listener and paid once per row', () => {
    const l = buildYear(tempDir());
    const r = auditVerify(l.db, l.config.terms);
    expect(r.failures).toEqual([]);
    expect(r.chain.ok).toBe(true);
    expect(r.ok).toBe(true);
    expect(formatVerifyResult(r)).toMatch(/^receipt chain intact: \d+ receipt\(s\)\ninvariants hold/);
  });

  it('names the receipt whose bytes were altered in the file by another connection', () => {
    const dir = tempDir();
    const l = buildYear(dir);
    const path = join(dir, 'audit.sqlite');
    l.db.close();
    const target = 5;
    const raw = new Database(path);
    // The schema refuses UPDATE on receipts: an attacker with file access drops the guard first.
    raw.exec('DROP TRIGGER receipts_no_update');
    const before = raw.prepare('SELECT msg FROM receipts WHERE id = ?').get(target) as { msg: string };
    raw.prepare('UPDATE receipts SET msg = ? WHERE id = ?').run(before.msg.replace(/"amountSats":"(\d)/, '"amountSats":"9'), target);
    raw.close();
    const db = openDatabase(path, { readonly: true });
    const r = auditVerify(db, l.config.terms);
    db.close();
    expect(r.ok).toBe(false);
    expect(r.chain).toMatchObject({ ok: false, brokenAt: target, reason: 'hash does not match the receipt content' });
    expect(formatVerifyResult(r)).toContain(`receipt chain BROKEN at receipt ${target}`);
  });

  it('names a paid row without payout, a row paid twice and a payout of the wrong amount', () => {
    const l = buildYear(tempDir());
    const [alice] = l.contractOf('alice');
    if (alice === undefined) throw new Error('no contract');
    // 1. a row marked paid with no payment at all
    const five = l.stakeId(alice, 'interest', 5);
    l.db.prepare(`UPDATE stakes SET status = 'paid', processed = ? WHERE id = ?`).run(T0 + 5 * MONTH, five);
    // 2. a second paid payout for a row already paid (a double payment)
    const one = l.stakeId(alice, 'interest', 1);
    const dup = l.intentFor(one, T0 + MONTH + 99, { sourceKey: `stake:${one}:again` });
    l.completePayout(dup, T0 + MONTH + 99, 'bittrex1', 'wd-dup', 'wd-dup', false);
    // 3. a payout paying more than its row
    const six = l.stakeId(alice, 'interest', 6);
    const wrong = l.intentFor(six, T0 + 6 * MONTH, { amountSats: 8_000n * 100_000n + 1n });
    l.completePayout(wrong, T0 + 6 * MONTH, 'broker', 'tx-wrong');
    const r = auditVerify(l.db, l.config.terms);
    expect(r.ok).toBe(false);
    const refs = r.failures.map((f) => `${f.check} ${f.ref}`);
    expect(refs).toContain(`paid_once stake ${five}`);
    expect(refs).toContain(`paid_once stake ${one}`);
    expect(refs).toContain(`amount payout ${wrong}`);
    expect(r.failures.find((f) => f.ref === `stake ${one}`)?.message).toMatch(/has 2 paid payouts/);
    expect(r.failures).toHaveLength(3);
  });

  it('names interest paid for a month after the stop', () => {
    const l = new Ledger(tempDir());
    l.block(T0, [{ from: 'carol', bts: 25_000, memo: 'twelve_months' }]);
    const [carol] = l.contractOf('carol');
    if (carol === undefined) throw new Error('no contract');
    l.pay(l.stakeId(carol, 'contract'), T0 + 1);
    // A buggy engine wrote an intent for month 3 early; the stop leaves a row in payment alone, then it is paid.
    const three = l.stakeId(carol, 'interest', 3);
    const early = l.intentFor(three, T0 + DAY);
    l.block(T0 + MONTH / 2, [{ from: 'carol', bts: 1, memo: 'stop' }]);
    l.completePayout(early, T0 + 3 * MONTH, 'broker', 'tx-late');
    const stop = l.db.prepare(`SELECT id FROM payouts WHERE purpose = 'stop'`).get() as { id: number };
    l.completePayout(stop.id, T0 + MONTH / 2 + 1, 'broker', 'tx-stop');
    const r = auditVerify(l.db, l.config.terms);
    expect(r.failures.map((f) => `${f.check} ${f.ref}`)).toEqual([`stop stake ${three}`]);
    expect(r.failures[0]?.message).toMatch(/paid though due after the stop/);
  });

  it('names schedule rows that differ from RULES.md and a stake-backed payout without its row', () => {
    const l = new Ledger(tempDir());
    const rows = contractSchedule({ amountBts: 50_000, months: 3, start: T0 }, l.config.terms).map((r) =>
      r.type === 'interest' && r.number === 2 ? { ...r, amount: r.amount + 1 } : r,
    );
    const id = insertContract(
      l.db,
      {
        sourceKey: 'op:1:0:0',
        user: 'bob',
        userId: '1.2.202',
        amountBts: 50_000,
        months: 3,
        start: T0,
        block: 1,
        trxInBlock: 0,
        opInTrx: 0,
        origin: 'chain',
      },
      rows,
    );
    if (id === null) throw new Error('not inserted');
    l.db
      .prepare(
        `INSERT INTO payouts (uuid, source_key, purpose, contract_id, stake_id, recipient, amount_sats, memo, state, created_at, updated_at)
         VALUES ('u-1', 'manual:1', 'interest', ?, NULL, 'bob', 400000000, 'x', 'pending', 0, 0)`,
      )
      .run(id);
    const r = auditVerify(l.db, l.config.terms);
    const two = l.stakeId(id, 'interest', 2);
    expect(r.failures.map((f) => `${f.check} ${f.ref}`)).toEqual([`schedule stake ${two}`, 'row_exists payout 1']);
    expect(r.failures[0]?.message).toBe(`interest 2 of contract ${id} is 4001 BTS; RULES.md gives 4000 BTS`);
  });

  it('names a stop payout that does not pay Σ(principal − penalty) + the BTS sent', () => {
    const l = new Ledger(tempDir());
    l.block(T0, [
      { from: 'alice', bts: 100_000, memo: 'six_months' },
      { from: 'alice', bts: 25_000, memo: 'three_months' },
    ]);
    l.block(T0 + DAY, [{ from: 'alice', bts: 3, memo: 'stop' }]);
    const stop = l.db.prepare(`SELECT id, amount_sats FROM payouts WHERE purpose = 'stop'`).get() as { id: number; amount_sats: number };
    // (100 000 − 15 000) + (25 000 − 3 750) + 3 BTS
    expect(stop.amount_sats).toBe((85_000 + 21_250 + 3) * 100_000);
    expect(auditVerify(l.db, l.config.terms).failures).toEqual([]);
    // The recorded amount altered behind the schema's back: the check recomputes it from the rows and the stop op.
    l.db.exec('DROP TRIGGER payouts_terms_frozen');
    l.db.prepare('UPDATE payouts SET amount_sats = amount_sats + 100000 WHERE id = ?').run(stop.id);
    const failures = auditVerify(l.db, l.config.terms).failures;
    expect(failures.map((f) => `${f.check} ${f.ref}`)).toEqual([`stop payout ${stop.id}`]);
    expect(failures[0]?.message).toBe(
      `stop pays ${stop.amount_sats + 100_000} sats; Σ(principal − penalty) + sent = ${stop.amount_sats} sats`,
    );
  });
});
