import { afterEach, describe, expect, it } from 'vitest';
import { verifyReceiptChain } from '../../src/db/receipts.js';
import { btsToSats } from '../../src/domain/money.js';
import { useTempDir } from '../helpers/tempDir.js';
import { type Harness, startHarness } from './harness.js';

const tempDir = useTempDir();
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const sats = (bts: number) => btsToSats(bts);
const total = (list: { amountSats: bigint }[]) => list.reduce((s, t) => s + t.amountSats, 0n);

/**
 * The daemon is down (or behind) across due dates, then the client sends `stop`: the listener applies the stop's
 * block after settling what fell due at that block's time, so nothing already due is aborted and a matured contract
 * is never penalised (RULES.md "Due is a fact of chain time"). One block = one day of chain time.
 */
describe('a stop after downtime (engine + listener over both simulators)', () => {
  it.each([
    // [blocks of downtime after the stake's block, BTS sent with the stop, interest rows due by then,
    //  what the client must get in all after the receipt]
    [35, 11, 1, 2_000 + 21_261], // stop lands on day 36: interest 1 (day 30) was due; the measured bug paid 21 261
    [64, 11, 2, 4_000 + 21_261], // interest 1 and 2 due
    [94, 101, 3, 3 * 2_000 + 25_000 + 51], // matured on day 90: principal + all interest, the stop is invalid (101 − 50 back)
  ])(
    '%i days down, then a stop with %i BTS (%i interest due): the client gets %i BTS',
    async (down, sent, dueInterest, expected) => {
      h = await startHarness({ dir: tempDir() });
      await h.chain.clientTransfer({ from: 'alice', to: 'broker', amountSats: sats(25_000), memo: 'three_months' });
      await h.until(() => h!.paidTo('alice').length === 1, 10);
      const receipt = total(h.paidTo('alice'));
      expect(receipt).toBe(sats(1));

      // Down: blocks go by, nothing is scanned and no payout cycle runs.
      h.chain.produceBlocks(down);
      await h.chain.clientTransfer({ from: 'alice', to: 'broker', amountSats: sats(sent), memo: 'stop' });
      // Back up: the listener catches up through the stop's (now irreversible) block before the first payout cycle.
      h.chain.produceBlocks(3);
      await h.scanner.scanOnce();
      const before = total(h.paidTo('alice'));
      await h.until(() => total(h!.paidTo('alice')) - before >= sats(expected), 30);
      for (let i = 0; i < 3; i++) await h.step(2); // margin: nothing more may come
      expect(total(h.paidTo('alice')) - receipt).toBe(sats(expected));
      const aborted = h.db.prepare(`SELECT count(*) AS n FROM stakes WHERE type = 'interest' AND status = 'aborted'`).get() as {
        n: number;
      };
      expect(aborted.n).toBe(3 - dueInterest);
      expect(verifyReceiptChain(h.db).ok).toBe(true);
    },
    120_000,
  );
});
