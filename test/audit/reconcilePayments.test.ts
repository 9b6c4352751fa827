import { describe, expect, it } from 'vitest';
import {
  type ChainTransferOut,
  type ExchangeWithdrawal,
  type LedgerAttempt,
  type LedgerPayout,
  reconcilePayments,
} from '../../src/audit/reconcilePayments.js';

const payout = (id: number, over: Partial<LedgerPayout> = {}): LedgerPayout => ({
  id,
  purpose: 'interest',
  recipient: 'alice',
  recipientId: '1.2.201',
  amountSats: 800_000_000n,
  state: 'paid',
  rail: 'broker',
  externalId: `tx${id}`,
  ...over,
});
const attempt = (id: number, payoutId: number, rail: string, idemKey: string, state = 'paid'): LedgerAttempt => ({
  id,
  payoutId,
  rail,
  idemKey,
  state,
  externalId: null,
});
const transfer = (txId: string, over: Partial<ChainTransferOut> = {}): ChainTransferOut => ({
  txId,
  blockNum: 10,
  trxInBlock: 0,
  opInTrx: 0,
  toId: '1.2.201',
  amountSats: 800_000_000n,
  assetId: '1.3.0',
  ...over,
});
const withdrawal = (id: string, cwid: string | null, over: Partial<ExchangeWithdrawal> = {}): ExchangeWithdrawal => ({
  rail: 'bittrex1',
  id,
  clientWithdrawalId: cwid,
  quantitySats: 800_500_000n,
  txCostSats: 500_000n,
  cryptoAddress: 'alice',
  status: 'COMPLETED',
  outcome: 'paid',
  ...over,
});

describe('reconcilePayments (pure)', () => {
  it('matches chain transfers by attempt key and withdrawals by clientWithdrawalId: no issue', () => {
    const r = reconcilePayments({
      payouts: [payout(1), payout(2, { rail: 'bittrex1', externalId: 'W2' })],
      attempts: [attempt(1, 1, 'broker', 'TX1'), attempt(2, 2, 'bittrex1', 'cw-2')],
      chain: [transfer('tx1')],
      exchange: new Map([['bittrex1', [withdrawal('W2', 'CW-2')]]]),
    });
    expect(r).toEqual({ matched: 2, issues: [] });
  });

  it('lists each side-only record, mismatch and double payment by kind and reference', () => {
    const r = reconcilePayments({
      payouts: [
        payout(1),
        payout(2, { rail: 'bittrex1', externalId: 'W2' }),
        payout(3), // paid per the db, nowhere on chain
        payout(4, { amountSats: 100n }),
        payout(5, { recipientId: '1.2.999' }),
        payout(6, { state: 'failed', rail: null, externalId: null }),
        payout(7, { rail: 'bittrex2', externalId: 'X7' }), // rail not checked: not judged
      ],
      attempts: [
        attempt(1, 1, 'broker', 'tx1'),
        attempt(2, 2, 'bittrex1', 'cw-2'),
        attempt(3, 3, 'broker', 'tx3'),
        attempt(4, 4, 'broker', 'tx4'),
        attempt(5, 5, 'broker', 'tx5'),
        attempt(6, 6, 'broker', 'tx6', 'expired'),
        attempt(8, 1, 'bittrex1', 'cw-1b', 'unknown'),
      ],
      chain: [
        transfer('tx1'),
        transfer('tx4'),
        transfer('tx5'),
        transfer('tx6'),
        transfer('tx-stranger', { blockNum: 11, amountSats: 5n }),
      ],
      exchange: new Map([
        [
          'bittrex1',
          [
            withdrawal('W2', 'cw-2'),
            withdrawal('W1b', 'cw-1b'),
            withdrawal('W9', null),
            withdrawal('W10', 'cw-x', { status: 'CANCELLED', outcome: 'void' }),
          ],
        ],
      ]),
    });
    const got = r.issues.map((i) => `${i.kind} ${i.ref}`).sort();
    expect(got).toEqual(
      [
        'amount_mismatch payout 4',
        'chain_only chain tx tx-stranger (block 11/0/0)',
        'db_only payout 3',
        'exchange_only bittrex1 withdrawal W9',
        'paid_twice payout 1',
        'recipient_mismatch payout 5',
        'state_mismatch payout 6',
      ].sort(),
    );
    expect(r.issues.find((i) => i.kind === 'paid_twice')?.message).toBe(
      'paid 2 times: chain tx tx1 (block 10/0/0); bittrex1 withdrawal W1b',
    );
    expect(r.issues.find((i) => i.kind === 'amount_mismatch')?.message).toMatch(/moved 800000000 sats; the payout is 100 sats/);
  });

  it('does not judge a side that was not read', () => {
    const r = reconcilePayments({ payouts: [payout(1), payout(2, { rail: 'bittrex1' })], attempts: [], chain: null, exchange: new Map() });
    expect(r.issues).toEqual([]);
  });

  it('flags a transfer in another asset as an amount mismatch', () => {
    const r = reconcilePayments({
      payouts: [payout(1)],
      attempts: [attempt(1, 1, 'broker', 'tx1')],
      chain: [transfer('tx1', { assetId: '1.3.121' })],
      exchange: new Map(),
    });
    expect(r.issues.map((i) => i.kind)).toEqual(['amount_mismatch']);
  });
});
