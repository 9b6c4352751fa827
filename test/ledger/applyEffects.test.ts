import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { listReceipts, verifyReceiptChain } from '../../src/db/receipts.js';
import { btsToSats } from '../../src/domain/money.js';
import { parseMemo } from '../../src/domain/parseMemo.js';
import { type PlanInput, planIncoming } from '../../src/domain/planIncoming.js';
import { applyEffects } from '../../src/ledger/applyEffects.js';
import { useTempDir } from '../helpers/tempDir.js';

/**
 * The one writer of planned effects against a real database: ids named by a Ref are filled in, a replay ends at the
 * claim, and what it writes is what the planner said (the fixture table tests the planner; this tests the writer).
 */
const tempDir = useTempDir();
let db: ReturnType<typeof openDatabase> | undefined;
afterEach(() => {
  db?.close();
  db = undefined;
});

const T0 = Date.UTC(2027, 0, 1);
const input = (memo: string, amountBts: number, over: Partial<PlanInput> = {}): PlanInput => ({
  transfer: {
    blockNum: 10,
    trxInBlock: 0,
    opInTrx: 0,
    txId: 'aa'.repeat(20),
    fromId: '1.2.201',
    amountSats: btsToSats(amountBts),
    assetId: '1.3.0',
    memo: parseMemo(memo),
    memoText: memo,
  },
  blockTime: T0,
  openContracts: [],
  terms: parseConfig({}).terms,
  now: T0,
  senderName: 'alice',
  senderIsManager: false,
  senderIsFundingAccount: false,
  maxSupplySats: 360_057_050_210_207n,
  brokerId: '1.2.100',
  treasury: { broker: 'stakebts-broker', depositAccount: 'bittrex-deposit', accounts: [{ index: 1, depositMemo: 'm1' }] },
  ...over,
});

describe('applyEffects', () => {
  it('opens a contract: rows, the receipt payment on its contract row with the contract id in its memo, the receipts', () => {
    db = openDatabase(join(tempDir(), 'db.sqlite'));
    const d = db;
    const applied = d.transaction(() => applyEffects(d, planIncoming(input('six_months', 50_000))))();
    expect(applied.claimed).toBe(true);
    expect(applied.contractId).not.toBeNull();
    const rows = d.prepare('SELECT id, type, number, amount, status FROM stakes WHERE contract_id = ? ORDER BY id').all(applied.contractId);
    expect(rows).toHaveLength(3 + 6);
    const payout = d.prepare('SELECT purpose, contract_id, stake_id, amount_sats, memo FROM payouts').get() as Record<string, unknown>;
    expect(payout).toMatchObject({
      purpose: 'contract_receipt',
      contract_id: applied.contractId,
      stake_id: applied.contractReceiptStakeId,
    });
    expect(String(payout.memo)).toMatch(new RegExp(`^stakebts contract ${applied.contractId}: 6 month stake of 50000 BTS`));
    const opened = listReceipts(d, { event: 'contract_opened' });
    expect(opened).toHaveLength(1);
    expect(opened[0]!.nonce).toBe(applied.contractId);
    expect(JSON.parse(opened[0]!.msg).contractId).toBe(applied.contractId);
    expect(d.prepare('SELECT outcome FROM processed_ops').pluck().all()).toEqual(['new_contract']);
  });

  it('a replay ends at the claim: nothing else is written', () => {
    db = openDatabase(join(tempDir(), 'db.sqlite'));
    const d = db;
    const count = () =>
      d.prepare('SELECT (SELECT count(*) FROM receipts) r, (SELECT count(*) FROM payouts) p, (SELECT count(*) FROM stakes) s').get();
    d.transaction(() => applyEffects(d, planIncoming(input('nonsense', 100))))();
    const before = count();
    const again = d.transaction(() => applyEffects(d, planIncoming(input('nonsense', 100))))();
    expect(again.claimed).toBe(false);
    expect(count()).toEqual(before);
    expect(before).toMatchObject({ r: 2, p: 1, s: 0 });
  });

  it('an admin move: the admin_actions row and the receipt name the payment queued', () => {
    db = openDatabase(join(tempDir(), 'db.sqlite'));
    const d = db;
    const effects = planIncoming(
      input('{"type":"bittrex_to_broker","amount":500,"account":1}', 1, { senderName: 'boss', senderIsManager: true }),
    );
    const applied = d.transaction(() => applyEffects(d, effects))();
    const action = d.prepare('SELECT action, outcome, payout_id, amount_sats FROM admin_actions').get();
    expect(action).toEqual({ action: 'bittrex_to_broker', outcome: 'queued', payout_id: applied.payoutId, amount_sats: 50_000_000 });
    const queued = JSON.parse(listReceipts(d, { event: 'admin_queued' })[0]!.msg);
    expect(queued).toMatchObject({ payoutId: applied.payoutId, amountSats: '50000000', sourceKey: 'op:10:0:0' });
    expect(verifyReceiptChain(d).ok).toBe(true);
  });

  it('refuses a plan whose reference comes before the effect that writes it', () => {
    db = openDatabase(join(tempDir(), 'db.sqlite'));
    expect(() => applyEffects(db!, [{ kind: 'receipt', nonce: { ref: 'contractId' }, msg: { event: 'x' } }])).toThrow(
      /before it is written/,
    );
  });
});
