import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createBittrexClient } from '../../../../src/exchange/bittrex/index.js';
import { bittrexWithdrawalOutcome } from '../../../../src/payout/rails/bittrex/listBittrexWithdrawals.js';
import { generateSimAccounts, startBittrexSimulator } from '../../../../src/sim/bittrex/index.js';
import { Secret } from '../../../../src/wallet/Secret.js';
import { simRailLedgers } from '../../../helpers/railLedgers.js';

const cleanup: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

describe('the Bittrex rail kind’s ledger (what audit reads through the registry)', () => {
  // reference/bittrex-v3.md: the open list holds NEW…PENDING and ERROR_INVALID_ADDRESS, the closed list COMPLETED and
  // CANCELLED. ERROR_INVALID_ADDRESS is open yet never sent; an unknown status is treated as still on its way.
  it.each([
    ['NEW', 'pending'],
    ['REQUESTED', 'pending'],
    ['AUTHORIZED', 'pending'],
    ['PENDING', 'pending'],
    ['COMPLETED', 'paid'],
    ['CANCELLED', 'void'],
    ['ERROR_INVALID_ADDRESS', 'void'],
    ['SOMETHING_NEW', 'pending'],
  ])('reads status %s as %s', (status, outcome) => {
    expect(bittrexWithdrawalOutcome(status)).toBe(outcome);
  });

  it('lists open and closed withdrawals, a window keeps the open ones and the closed ones completed in it; balance is net of the fee', async () => {
    const [acct] = generateSimAccounts(1, { balanceSats: 1_000_000_000n });
    if (!acct) throw new Error('no account');
    const bittrex = await startBittrexSimulator({ accounts: [acct], rateLimitPerMinute: 0 });
    cleanup.push(() => bittrex.close());
    const client = createBittrexClient({ baseUrl: bittrex.url, apiKey: new Secret(acct.apiKey), apiSecret: new Secret(acct.apiSecret) });
    const ledger = simRailLedgers(bittrex.url, [acct]).get('bittrex1');
    if (!ledger) throw new Error('no ledger');
    const made = await client.createWithdrawal({ quantity: 3_000_000n, cryptoAddress: 'alice', clientWithdrawalId: randomUUID() });
    if (made.kind !== 'created') throw new Error(made.kind);
    await bittrex.processPending();
    const open = await client.createWithdrawal({ quantity: 4_000_000n, cryptoAddress: 'bob', clientWithdrawalId: randomUUID() });
    if (open.kind !== 'created') throw new Error(open.kind);

    const all = await ledger.listWithdrawals();
    expect(all.map((w) => [w.rail, w.id, w.cryptoAddress, w.status, w.outcome]).sort()).toEqual(
      [
        ['bittrex1', made.withdrawal.id, 'alice', 'COMPLETED', 'paid'],
        ['bittrex1', open.withdrawal.id, 'bob', 'REQUESTED', 'pending'],
      ].sort(),
    );
    const done = all.find((w) => w.id === made.withdrawal.id)?.time;
    if (done === undefined) throw new Error('no completion time');
    // Completed before the window: left out; still open: always listed (it is in flight).
    const after = await ledger.listWithdrawals(done + 2_000);
    expect(after.map((w) => w.id)).toEqual([open.withdrawal.id]);
    const before = await ledger.listWithdrawals(0, done - 2_000);
    expect(before.map((w) => w.id)).toEqual([open.withdrawal.id]);
    const around = await ledger.listWithdrawals(done - 2_000, done + 2_000);
    expect(around.map((w) => w.id).sort()).toEqual([made.withdrawal.id, open.withdrawal.id].sort());
    // What is left for payments, after the exchange's withdrawal fee, as the rail's own balance() says.
    const { available } = await client.getBalance('BTS');
    const { txFee } = await client.getCurrency('BTS');
    expect(await ledger.balance()).toBe(available - txFee);
  });
});
