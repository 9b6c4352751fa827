import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { writeHistoryCursor } from '../../src/db/catchup.js';
import { insertContract } from '../../src/db/contracts.js';
import { writeCursor } from '../../src/db/cursor.js';
import { acquireDaemonLock } from '../../src/db/daemonLock.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { insertPayoutIntent } from '../../src/db/payouts.js';
import { appendReceipt, verifyReceiptChain } from '../../src/db/receipts.js';
import { contractSchedule } from '../../src/domain/contractSchedule.js';
import { useTempDir } from '../helpers/tempDir.js';

const terms = parseConfig({}).terms;
const tempDir = useTempDir();

function seeded() {
  const path = join(tempDir(), 'db.sqlite');
  const db = openDatabase(path);
  const contractId = insertContract(
    db,
    {
      sourceKey: 'op:10:0:0',
      user: 'alice',
      userId: '1.2.100',
      amountBts: 25_000,
      months: 3,
      start: 1_000,
      block: 10,
      trxInBlock: 0,
      opInTrx: 0,
      origin: 'chain',
    },
    contractSchedule({ amountBts: 25_000, months: 3, start: 1_000 }, terms),
  );
  if (contractId === null) throw new Error('not inserted');
  const payout = insertPayoutIntent(db, {
    sourceKey: 'stake:1',
    purpose: 'contract_receipt',
    contractId,
    stakeId: 1,
    recipient: 'alice',
    recipientId: '1.2.100',
    amountSats: 100_000n,
    memo: 'm',
  });
  db.prepare(`INSERT INTO payout_attempts (payout_id, attempt_no, rail, idem_key, request, state, created_at, updated_at)
    VALUES (?, 1, 'broker', 'k1', '{}', 'intent', 0, 0)`).run(payout.id);
  db.prepare(`INSERT INTO processed_ops VALUES (10, 0, 0, NULL, '1.2.100', 1, '1.3.0', 'new_contract', 0, 0)`).run();
  db.prepare(`INSERT INTO loans (source_key, manager, amount_sats, created_at) VALUES ('op:1:0:0', 'boss', 5, 0)`).run();
  db.prepare(
    `INSERT INTO admin_actions (source_key, manager, action, amount_sats, outcome, created_at) VALUES ('op:2:0:0', 'boss', 'x', 5, 'done', 0)`,
  ).run();
  db.prepare(
    `INSERT INTO chain_transfers_out (block_num, trx_in_block, op_in_trx, tx_id, to_id, amount_sats, asset_id, block_time, payout_id, created_at)
     VALUES (11, 0, 0, 'ab', '1.2.100', 5, '1.3.0', 0, NULL, 0)`,
  ).run();
  db.prepare(
    `INSERT INTO treasury_topups (payout_id, rail, seq, shortfall_sats, due_sats, broker_sats, created_at) VALUES (?, 'bittrex1', 1, 5, 5, 0, 0)`,
  ).run(payout.id);
  writeHistoryCursor(db, { blockNum: 10, blockTime: 1_000 });
  writeCursor(db, { blockNum: 10, blockTime: 1_000 });
  appendReceipt(db, contractId, { event: 'contract_opened', user: 'alice' });
  appendReceipt(db, 0, { event: 'startup' });
  return { db, path, contractId };
}

const TABLES = [
  'chain_transfers_out',
  'schema_migrations',
  'cursor',
  'processed_ops',
  'contracts',
  'stakes',
  'payouts',
  'payout_attempts',
  'receipts',
  'loans',
  'admin_actions',
  'treasury_topups',
  'catchup',
];

describe('schema', () => {
  it('lists exactly the tables guarded here (a new table must get its DELETE trigger)', () => {
    const { db } = seeded();
    const tables = (
      db.prepare("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]
    ).map((r) => r.name);
    expect(tables).toEqual([...TABLES].sort());
  });
  it.each(TABLES)('refuses DELETE on %s', (table) => {
    const { db } = seeded();
    const before = (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    expect(before).toBeGreaterThan(0);
    expect(() => db.prepare(`DELETE FROM ${table}`).run()).toThrow(/refused/);
    expect((db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n).toBe(before);
  });
  it('refuses any UPDATE of receipts', () => {
    const { db } = seeded();
    expect(() => db.prepare(`UPDATE receipts SET msg = '{"event":"forged"}' WHERE id = 1`).run()).toThrow(/UPDATE on receipts is refused/);
    expect(() => db.prepare(`UPDATE receipts SET now = now + 1`).run()).toThrow(/refused/);
  });
  it('freezes the terms of stake rows and lets only a pending row change status', () => {
    const { db } = seeded();
    expect(() => db.prepare(`UPDATE stakes SET amount = 1 WHERE id = 2`).run()).toThrow(/never change/);
    expect(() => db.prepare(`UPDATE stakes SET due = 0 WHERE id = 2`).run()).toThrow(/never change/);
    db.prepare(`UPDATE stakes SET status = 'paid', processed = 5 WHERE id = 1`).run();
    expect(() => db.prepare(`UPDATE stakes SET status = 'pending' WHERE id = 1`).run()).toThrow(/only a pending row/);
  });
  it('keeps a paid payout paid and its terms frozen', () => {
    const { db } = seeded();
    expect(() => db.prepare(`UPDATE payouts SET amount_sats = 1`).run()).toThrow(/never changes/);
    db.prepare(`UPDATE payouts SET state = 'paid'`).run();
    expect(() => db.prepare(`UPDATE payouts SET state = 'pending'`).run()).toThrow(/stays paid/);
  });
  it('allows at most one live attempt per payout', () => {
    const { db } = seeded();
    const insert = db.prepare(`INSERT INTO payout_attempts (payout_id, attempt_no, rail, idem_key, request, state, created_at, updated_at)
      VALUES (1, ?, 'bittrex1', ?, '{}', 'intent', 0, 0)`);
    expect(() => insert.run(2, 'k2')).toThrow(/UNIQUE/);
    db.prepare(`UPDATE payout_attempts SET state = 'rejected' WHERE id = 1`).run();
    insert.run(2, 'k2');
  });
  it('moves the cursor forward only', () => {
    const { db } = seeded();
    expect(() => writeCursor(db, { blockNum: 9, blockTime: 0 })).toThrow(/forward/);
    writeCursor(db, { blockNum: 11, blockTime: 2 });
  });
  it('writes payout intents once per source key', () => {
    const { db, contractId } = seeded();
    const p = {
      sourceKey: 'stake:2',
      purpose: 'interest' as const,
      contractId,
      stakeId: 2,
      recipient: 'alice',
      recipientId: null,
      amountSats: 5n,
      memo: 'x',
    };
    const a = insertPayoutIntent(db, p);
    const b = insertPayoutIntent(db, { ...p, amountSats: 6n });
    expect(a.created).toBe(true);
    expect(b).toEqual({ id: a.id, created: false });
  });
});

describe('receipt hash chain', () => {
  it('links every receipt to the previous one', () => {
    const { db } = seeded();
    for (let i = 0; i < 20; i++) appendReceipt(db, i, { event: 'e', i, big: 10n ** 20n });
    const rows = db.prepare('SELECT prev_hash, hash FROM receipts ORDER BY id').all() as { prev_hash: string; hash: string }[];
    expect(rows[0]?.prev_hash).toBe('genesis');
    for (let i = 1; i < rows.length; i++) expect(rows[i]?.prev_hash).toBe(rows[i - 1]?.hash);
    expect(verifyReceiptChain(db)).toEqual({ ok: true, count: 22 });
    expect(JSON.parse((db.prepare('SELECT msg FROM receipts ORDER BY id DESC LIMIT 1').get() as { msg: string }).msg).big).toBe(
      '100000000000000000000',
    );
  });
  it('refuses an insert that does not link to the last receipt', () => {
    const { db } = seeded();
    expect(() => db.prepare(`INSERT INTO receipts (nonce, now, msg, prev_hash, hash) VALUES (0, 0, '{}', 'genesis', 'x')`).run()).toThrow(
      /does not link/,
    );
  });
  it('names the receipt whose bytes were altered behind the triggers', () => {
    const { db, path } = seeded();
    for (let i = 0; i < 5; i++) appendReceipt(db, 0, { event: 'e', i });
    db.close();
    // An attacker with file access drops the trigger and edits receipt 4 directly.
    const raw = new Database(path);
    raw.exec('DROP TRIGGER receipts_no_update');
    raw.prepare(`UPDATE receipts SET msg = '{"event":"e","i":99}' WHERE id = 4`).run();
    raw.close();
    const check = verifyReceiptChain(openDatabase(path, { readonly: true }));
    expect(check).toMatchObject({ ok: false, brokenAt: 4, reason: 'hash does not match the receipt content' });
  });
});

describe('indexes', () => {
  it('serves the due-payment and audit queries from indexes', () => {
    const { db } = seeded();
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan(`SELECT * FROM stakes WHERE status = 'pending' AND due <= 5`)).toMatch(/USING INDEX stakes_due_pending/);
    expect(plan(`SELECT * FROM stakes WHERE user = 'alice' AND type = 'principal' AND status = 'pending'`)).toMatch(
      /USING INDEX stakes_user/,
    );
    expect(plan(`SELECT * FROM payouts WHERE state = 'pending' AND next_attempt_at <= 5`)).toMatch(/USING INDEX payouts_state/);
    expect(plan(`SELECT * FROM receipts WHERE nonce = 3`)).toMatch(/USING INDEX receipts_nonce/);
    expect(plan(`SELECT * FROM receipts WHERE now >= 1 AND now <= 2`)).toMatch(/USING INDEX receipts_now/);
    expect(plan(`SELECT * FROM payouts WHERE contract_id = 1`)).toMatch(/USING INDEX payouts_contract/);
  });
});

describe('openDatabase and the daemon lock', () => {
  it('says in one sentence that the directory is missing', () => {
    expect(() => openDatabase(join(tempDir(), 'nope', 'db.sqlite'))).toThrow(
      /^The database directory .*nope does not exist; create it or set "db" in the config\.$/,
    );
  });
  it('refuses a file that is not a database', () => {
    const path = join(tempDir(), 'text.sqlite');
    execFileSync('sh', ['-c', `echo "hello, this is not sqlite at all, not even close to it......." > ${path}`]);
    expect(() => openDatabase(path)).toThrow(/is not a stakebts database/);
  });
  it('lets exactly one daemon hold the lock, and frees it when the holder dies', () => {
    const path = join(tempDir(), 'db.sqlite');
    const lock = acquireDaemonLock(path);
    expect(() => acquireDaemonLock(path)).toThrow(/Another stakebts daemon is already running/);
    lock.release();
    acquireDaemonLock(path).release();
    // A process that takes the lock and is SIGKILLed leaves nothing to clean up.
    const script = `const D=require('better-sqlite3');const d=new D(${JSON.stringify(`${path}.lock`)});d.pragma('locking_mode=EXCLUSIVE');d.exec('BEGIN EXCLUSIVE');d.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER, started_at INTEGER)');process.kill(process.pid,'SIGKILL');`;
    try {
      execFileSync(process.execPath, ['-e', script], { cwd: process.cwd() });
    } catch {
      // killed by design
    }
    acquireDaemonLock(path).release();
  });
  it('reads while another connection writes (audit during the daemon)', () => {
    const { db, path } = seeded();
    const reader = openDatabase(path, { readonly: true });
    db.exec('BEGIN IMMEDIATE');
    appendReceipt(db, 0, { event: 'in_flight' });
    expect(verifyReceiptChain(reader)).toEqual({ ok: true, count: 2 });
    db.exec('COMMIT');
    expect(verifyReceiptChain(reader)).toEqual({ ok: true, count: 3 });
    expect(() => reader.prepare(`INSERT INTO loans (source_key, manager, amount_sats, created_at) VALUES ('z','z',1,0)`).run()).toThrow(
      /readonly/,
    );
  });
});
