import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { classifyTransfer } from '../../src/domain/classifyTransfer.js';
import { contractSchedule } from '../../src/domain/contractSchedule.js';
import { SATS_PER_BTS } from '../../src/domain/money.js';
import { type DueRow, isOpenAt, settleDue } from '../../src/domain/settleDue.js';
import { settleStop } from '../../src/domain/settleStop.js';
import fixtures from '../fixtures/settleDue.json' with { type: 'json' };

type Tuple = [number, number, string, number, number, number, DueRow['status'], boolean];
const toRow = ([id, contractId, type, number, amount, due, status, inPayment]: Tuple): DueRow => ({
  id,
  contractId,
  type,
  number,
  amount,
  due,
  status,
  inPayment,
});

describe('settleDue: fixture table', () => {
  it.each(fixtures.valid)('$description', ({ at, rows, expected }) => {
    const s = settleDue((rows as Tuple[]).map(toRow), at);
    expect({
      pay: s.pay.map((r) => r.id),
      settleZero: s.settleZero.map((r) => r.id),
      abortPenalties: s.abortPenalties.map((r) => r.id),
    }).toEqual(expected);
  });
});

/**
 * A stop in a block applied after downtime, from the domain functions alone, in the order the ledger applies them:
 * settle what is due at the stop's block time, then classify and settle the stop against the contracts still open.
 */
const terms = parseConfig({}).terms;
const DAY = 86_400_000;
const START = Date.UTC(2027, 0, 1);

function stopAfter(days: number, stopSentBts: number) {
  const schedule = contractSchedule({ amountBts: 25_000, months: 3, start: START }, terms);
  let id = 1;
  const rows: DueRow[] = schedule.map((r) => ({ ...r, id: id++, contractId: 1, inPayment: false }));
  const at = START + days * DAY;
  const due = settleDue(rows, at);
  const paid = new Set(due.pay.map((r) => r.id));
  const principal = rows.find((r) => r.type === 'principal')!;
  const open = isOpenAt({ ...principal, inPayment: paid.has(principal.id) }, at)
    ? [
        {
          contractId: 1,
          principal: { id: principal.id, amount: principal.amount },
          penalty: rows.find((r) => r.type === 'penalty')!,
          pendingInterest: rows.filter((r) => r.type === 'interest' && !paid.has(r.id)),
        },
      ]
    : [];
  const stopSats = BigInt(stopSentBts) * SATS_PER_BTS;
  const decision = classifyTransfer(
    { amountSats: stopSats, assetId: '1.3.0', blockTime: at },
    {
      terms,
      memo: { kind: 'client', type: 'stop' },
      maxSupplySats: 360_057_050_210_207n,
      senderIsManager: false,
      senderIsFundingAccount: false,
      senderOpenContracts: open.length,
      now: at,
    },
  );
  const dueBts = due.pay.reduce((s, r) => s + r.amount, 0);
  if (decision.action === 'stop') {
    const s = settleStop(open, stopSats);
    return {
      decision: 'stop',
      dueBts,
      stopBts: Number(s.payoutSats / SATS_PER_BTS),
      aborted: s.aborted.length,
      total: dueBts + Number(s.payoutSats / SATS_PER_BTS),
    };
  }
  if (decision.action !== 'invalid') throw new Error(decision.action);
  return { decision: decision.reason, dueBts, stopBts: decision.refundBts, aborted: 0, total: dueBts + decision.refundBts };
}

describe('a stop after downtime never cancels what was already due (3 months, 25 000 BTS)', () => {
  it.each([
    // [days down, sent with the stop, decision, owed by due rows, paid for the stop, interest aborted, total to the client]
    [20, 11, 'stop', 0, 21_261, 3, 21_261],
    [30, 11, 'stop', 2_000, 21_261, 2, 23_261], // exactly on the first due date: interest 1 is due
    [36, 11, 'stop', 2_000, 21_261, 2, 23_261], // the measured case: 21 261 was paid instead of 23 261
    [65, 11, 'stop', 4_000, 21_261, 1, 25_261],
    [89, 11, 'stop', 4_000, 21_261, 1, 25_261],
    [90, 101, 'stop_without_open_contract', 31_000, 51, 0, 31_051], // maturity at the stop's block time: matured, not stopped
    [95, 101, 'stop_without_open_contract', 31_000, 51, 0, 31_051], // the measured case: 21 351 was paid instead of 31 051
  ] as const)('%i days down, stop with %i BTS: %s', (days, sent, decision, dueBts, stopBts, aborted, total) => {
    expect(stopAfter(days, sent)).toEqual({ decision, dueBts, stopBts, aborted, total });
  });
});
