import { afterEach, describe, expect, it } from 'vitest';
import { insertPayoutIntent } from '../../../../src/db/payouts.js';
import { verifyReceiptChain } from '../../../../src/db/receipts.js';
import { btsToSats } from '../../../../src/domain/money.js';
import { RAIL_KINDS } from '../../../../src/payout/rails/registry.js';
import { useTempDir } from '../../../helpers/tempDir.js';
import { type Harness, payoutStates, startHarness } from '../../harness.js';
import { httpExchangeRailKind } from './httpExchangeRail.js';
import { type HttpExchangeSim, startHttpExchangeSim } from './httpExchangeSim.js';

// The one registry line a new rail kind needs (here added for the test run rather than in src/payout/rails/registry.ts).
const kinds = new Map([...RAIL_KINDS, [httpExchangeRailKind.kind, httpExchangeRailKind]]);

const tempDir = useTempDir();
let h: Harness | undefined;
let hx: HttpExchangeSim | undefined;
afterEach(async () => {
  await h?.close();
  await hx?.close();
  h = undefined;
  hx = undefined;
});

async function desk(o: { brokerBts: number; exchangeBts: number }) {
  // The harness's chain is made first; the exchange pays from its own hot wallet on it.
  let send: (p: { to: string; amountSats: bigint; memo: string }) => Promise<{ txId: string }> = async () => {
    throw new Error('not ready');
  };
  hx = await startHttpExchangeSim({ balanceSats: btsToSats(o.exchangeBts), send: (p) => send(p) });
  h = await startHarness({
    dir: tempDir(),
    brokerBts: o.brokerBts,
    railKinds: kinds,
    config: {
      bittrex: { accounts: [] },
      rails: [{ kind: 'broker' }, { kind: 'http-exchange', name: 'hx', url: hx.url }],
    },
  });
  const x = h;
  x.chain.createAccount('hx-hot');
  x.chain.fund('hx-hot', btsToSats(10_000_000));
  send = async (p) => x.chain.clientTransfer({ from: 'hx-hot', to: p.to, amountSats: p.amountSats, memo: p.memo });
  return { h: x, hx };
}

function refund(x: Harness, user: string, bts: number): number {
  return insertPayoutIntent(x.db, {
    sourceKey: `refund:test:${user}:${bts}`,
    purpose: 'refund',
    contractId: null,
    stakeId: null,
    recipient: user,
    recipientId: x.clients.get(user)!.id,
    amountSats: btsToSats(bts),
    memo: `stakebts refund test ${user}`,
  }).id;
}

const attempts = (x: Harness, id: number) =>
  x.db.prepare('SELECT rail, state FROM payout_attempts WHERE payout_id = ? ORDER BY attempt_no').all(id);

describe('a new rail kind added from its own folder (docs/adding-a-rail.md)', () => {
  it('is paid through after the broker is short: failover onto the new rail, exactly the amount, once', async () => {
    const { h, hx } = await desk({ brokerBts: 0, exchangeBts: 100_000 });
    const id = refund(h, 'alice', 5_000);
    const step = async () => {
      await hx.process();
      await h.step();
    };
    for (let i = 0; i < 8 && payoutStates(h.db).paid !== 1; i++) await step();
    for (let i = 0; i < 2; i++) await step();

    const paid = h.chain.transfersTo('alice').filter((t) => t.fromName === 'hx-hot');
    expect(paid.map((t) => t.amountSats)).toEqual([btsToSats(5_000)]);
    expect(attempts(h, id)).toEqual([{ rail: 'hx', state: 'paid' }]);
    // the broker refused before committing anything (short of funds): no attempt, the round moved on
    expect(hx.posts).toBe(1);
    expect(payoutStates(h.db)).toEqual({ paid: 1 });
    expect(verifyReceiptChain(h.db).ok).toBe(true);
  });

  it('an answer lost on the way is reconciled on the same rail with the same key: paid once', async () => {
    const { h, hx } = await desk({ brokerBts: 0, exchangeBts: 100_000 });
    hx.dropNextAnswer = true;
    const id = refund(h, 'bob', 7_000);
    const step = async () => {
      await hx.process();
      await h.step();
    };
    for (let i = 0; i < 10 && payoutStates(h.db).paid !== 1; i++) await step();
    for (let i = 0; i < 2; i++) await step();

    expect(
      h.chain
        .transfersTo('bob')
        .filter((t) => t.fromName === 'hx-hot')
        .map((t) => t.amountSats),
    ).toEqual([btsToSats(7_000)]);
    expect(hx.payouts.size).toBe(1);
    expect(attempts(h, id)).toEqual([{ rail: 'hx', state: 'paid' }]);
    const unknown = h.db
      .prepare(`SELECT count(*) AS n FROM receipts WHERE json_extract(msg, '$.event') = 'payout_attempt_unknown'`)
      .get() as { n: number };
    expect(unknown.n).toBe(1);
  });

  it('every rail short of funds: the payment waits, and the client gets one support notice through the new rail', async () => {
    const { h, hx } = await desk({ brokerBts: 0, exchangeBts: 10 });
    const id = refund(h, 'carol', 5_000);
    for (let i = 0; i < 5; i++) {
      await hx.process();
      await h.step();
    }
    const got = h.chain.transfersTo('carol').filter((t) => t.fromName === 'hx-hot' || t.fromName === 'broker');
    expect(got.map((t) => t.amountSats)).toEqual([btsToSats(h.config.terms.supportNoticeAmount)]);
    expect(h.memoText(got[0]!, h.clients.get('carol')!)).toContain(h.config.supportContact);
    const row = h.db.prepare('SELECT state, attempts FROM payouts WHERE id = ?').get(id) as { state: string; attempts: number };
    expect(row.state).toBe('pending');
    expect(row.attempts).toBeGreaterThanOrEqual(2);
  });
});
