import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { insertPayoutIntent } from '../../src/db/payouts.js';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { btsToSats } from '../../src/domain/money.js';
import { createBittrexClient } from '../../src/exchange/bittrex/index.js';
import { Secret } from '../../src/wallet/Secret.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Harness, payoutStates, startHarness } from './harness.js';

const tempDir = useTempDir();
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

describe('foreign-withdrawal alarm', () => {
  it('a withdrawal stakebts did not create halts that Bittrex account: alarm receipt once, payments go elsewhere', async () => {
    h = await startHarness({ dir: tempDir(), brokerBts: 0, bittrexBts: [100_000, 100_000, 0], foreignCheckMs: 0 });
    // Someone else uses account 1's key (or a manager withdraws by hand).
    const intruder = createBittrexClient({
      baseUrl: h.bittrex.url,
      apiKey: new Secret(h.accounts[0]!.apiKey),
      apiSecret: new Secret(h.accounts[0]!.apiSecret),
    });
    const foreign = await intruder.createWithdrawal({ quantity: btsToSats(700), cryptoAddress: 'carol', clientWithdrawalId: randomUUID() });
    expect(foreign.kind).toBe('created');
    const foreignId = foreign.kind === 'created' ? foreign.withdrawal.id : '';

    const id = insertPayoutIntent(h.db, {
      sourceKey: 'refund:test:alice',
      purpose: 'refund',
      contractId: null,
      stakeId: null,
      recipient: 'alice',
      recipientId: h.clients.get('alice')!.id,
      amountSats: btsToSats(2_000),
      memo: 'stakebts refund test',
    }).id;
    await h.until(() => payoutStates(h!.db).paid === 1, 15);
    for (let i = 0; i < 3; i++) await h.step();

    const alarms = h.db
      .prepare(
        `SELECT msg FROM receipts WHERE json_extract(msg, '$.event') = 'alarm' AND json_extract(msg, '$.kind') = 'foreign_withdrawal'`,
      )
      .all()
      .map((r) => JSON.parse((r as { msg: string }).msg));
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ account: 1, withdrawalId: foreignId, cryptoAddress: 'carol' });
    // Account 1 was never used again: its ledger holds only the foreign withdrawal; the payment went over account 2.
    expect(h.bittrex.ledger(0)).toHaveLength(1);
    expect(h.bittrex.ledger(1)).toHaveLength(1);
    expect(h.db.prepare('SELECT rail, state FROM payout_attempts WHERE payout_id = ?').all(id)).toEqual([
      { rail: 'bittrex2', state: 'paid' },
    ]);
    expect(h.paidTo('alice').map((t) => t.amountSats)).toEqual([btsToSats(2_000)]);
    expect(verifyReceiptChain(h.db).ok).toBe(true);
  }, 120_000);

  it('raises nothing when every withdrawal is one of ours', async () => {
    h = await startHarness({ dir: tempDir(), brokerBts: 0, bittrexBts: [100_000, 0, 0], foreignCheckMs: 0 });
    insertPayoutIntent(h.db, {
      sourceKey: 'refund:test:bob',
      purpose: 'refund',
      contractId: null,
      stakeId: null,
      recipient: 'bob',
      recipientId: h.clients.get('bob')!.id,
      amountSats: btsToSats(1_000),
      memo: 'stakebts refund test',
    });
    await h.until(() => payoutStates(h!.db).paid === 1, 15);
    for (let i = 0; i < 3; i++) await h.step();
    const alarms = h.db
      .prepare(
        `SELECT count(*) AS n FROM receipts WHERE json_extract(msg, '$.event') = 'alarm' AND json_extract(msg, '$.kind') = 'foreign_withdrawal'`,
      )
      .get();
    expect(alarms).toEqual({ n: 0 });
    expect(h.bittrex.ledger(0)).toHaveLength(1);
  }, 120_000);
});
