import { join } from 'node:path';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { businessLogLine, tapBusinessEvents } from '../../src/daemon/logBusinessEvents.js';
import { appendAlarm } from '../../src/db/alarms.js';
import { openDatabase } from '../../src/db/openDatabase.js';
import { appendReceipt } from '../../src/db/receipts.js';
import { useTempDir } from '../helpers/tempDir.js';

const tempDir = useTempDir();

describe('business events in the log (issue 13 §4)', () => {
  it('one line per business receipt with client, amount and ids; never the memo; nothing for the rest', async () => {
    const db = openDatabase(join(tempDir(), 'x.sqlite'));
    appendReceipt(db, 0, { event: 'startup', pid: 1 }); // before the tap: not logged again
    const lines: Array<Record<string, unknown>> = [];
    const logger = pino({ level: 'info' }, { write: (s: string) => void lines.push(JSON.parse(s)) });
    const controller = new AbortController();
    const stop = tapBusinessEvents(db, logger, controller.signal, 20);
    appendReceipt(db, 0, { event: 'transfer_in', user: 'alice', amountSats: 2_500_000_000, memo: 'six_months' });
    appendReceipt(db, 0, {
      event: 'contract_opened',
      user: 'alice',
      contractId: 7,
      amountBts: 25_000,
      months: 6,
      txId: 'ab12',
      memo: 'six_months',
    });
    appendReceipt(db, 0, { event: 'invalid', user: 'bob', reason: 'memo_unknown', refundBts: 950, payoutId: 3, memo: 'hello' });
    appendReceipt(db, 7, {
      event: 'payout_paid',
      user: 'alice',
      purpose: 'interest',
      amountSats: 200_000_000,
      payoutId: 4,
      rail: 'broker',
      idemKey: 'cd34',
    });
    appendAlarm(db, 0, 'backup_failed', { reason: 'disk full' });
    await new Promise((r) => setTimeout(r, 100));
    controller.abort();
    stop();
    db.close();
    expect(lines.map((l) => l.msg)).toEqual(['contract opened', 'refund queued', 'payment paid', 'alarm backup_failed']);
    expect(lines[0]).toMatchObject({ level: 30, user: 'alice', contractId: 7, amountBts: 25_000, txId: 'ab12' });
    expect(lines[2]).toMatchObject({ user: 'alice', amountSats: 200_000_000, payoutId: 4, rail: 'broker' });
    expect(lines[3]).toMatchObject({ level: 40, kind: 'backup_failed' });
    for (const l of lines) expect(l.memo).toBeUndefined();
  });

  it('maps the events it knows and ignores the others', () => {
    expect(businessLogLine(1, { event: 'stop_settled', user: 'a', payoutSats: 5, contractIds: [1] })?.text).toBe('stop settled');
    expect(businessLogLine(1, { event: 'payout_attempt_submitted', payoutId: 2, rail: 'broker' })?.text).toBe('payment sent');
    expect(businessLogLine(1, { event: 'payout_intent', user: 'a', amountBts: 2 })?.text).toBe('payment queued');
    expect(businessLogLine(1, { event: 'payout_attempt', payoutId: 2 })).toBeNull();
  });
});
