import { z } from 'zod';
import { attemptEnded, attemptSubmitted, attemptUnknown, commitAttempt, markPaid } from '../../../../src/db/paymentTransitions.js';
import type { AttemptRow } from '../../../../src/db/payoutAttempts.js';
import type { PayoutRow } from '../../../../src/db/payouts.js';
import type { Prepared, Rail, RailDeps, RailKind, SendJob } from '../../../../src/payout/rails/Rail.js';
import type { RailResult } from '../../../../src/payout/types.js';
import type { WorkerJob, WorkerReport } from '../../../../src/payout/workerJobs.js';

/**
 * A rail kind written only for tests, as docs/adding-a-rail.md says to write one: this folder and one registry line.
 * It pays through the simulated exchange in httpExchangeSim.ts with the generic `http-post` worker job.
 */
const entrySchema = z.object({ kind: z.literal('http-exchange'), url: z.url(), name: z.string().regex(/^[a-z0-9-]{1,30}$/) }).strict();
type Entry = z.infer<typeof entrySchema>;

export const httpExchangeRailKind: RailKind<Entry> = {
  kind: 'http-exchange',
  describe: 'a test exchange with a JSON payout API (idempotent by key)',
  entrySchema,
  nameOf: (e) => e.name,
  labelOf: (e) => `test exchange ${e.name}`,
  create: (e, deps) => createHttpExchangeRail(e, deps),
  async preflight(e) {
    const res = await fetch(`${e.url}/balance`).catch(() => null);
    if (!res?.ok) return { transient: `no answer from ${e.url}` };
    return { availableSats: BigInt(((await res.json()) as { availableSats: string }).availableSats) };
  },
};

function createHttpExchangeRail(e: Entry, deps: RailDeps): Rail {
  const { db } = deps;
  const rail = e.name;
  let libNow = 0;
  const job = (a: AttemptRow) => (): WorkerJob => ({
    type: 'http-post',
    url: `${e.url}/payouts`,
    headers: { 'Content-Type': 'application/json' },
    body: a.request,
    timeoutMs: 5_000,
  });

  async function prepare(p: PayoutRow): Promise<Prepared | RailResult> {
    const a = commitAttempt(db, p, rail, (attemptNo) => {
      const key = `${p.uuid}-${attemptNo}`;
      const body = JSON.stringify({ key, to: p.recipient, amountSats: String(p.amount_sats), memo: p.memo });
      return { idemKey: key, request: body, txExpiration: null, facts: {} };
    });
    if (!a) return { kind: 'rejected', rail, code: 'NOT_PENDING', cause: 'other' };
    return { kind: 'prepared', attempt: a, job: job(a) };
  }

  async function interpret(p: PayoutRow, a: AttemptRow, r: WorkerReport): Promise<RailResult> {
    if (r.kind === 'http-post' && r.outcome.kind === 'response') {
      const { status } = r.outcome;
      if (status === 200 || status === 201) {
        attemptSubmitted(db, p, a, a.idem_key, { status });
        return { kind: 'sent', rail };
      }
      if (status === 422) {
        attemptEnded(db, p, a, 'rejected', { code: 'INSUFFICIENT_FUNDS' });
        return { kind: 'rejected', rail, code: 'INSUFFICIENT_FUNDS', cause: 'funds' };
      }
    }
    const reason =
      r.kind === 'http-post' ? `answer ${r.outcome.kind}` : r.kind === 'refused' || r.kind === 'silent' ? r.reason : 'unexpected';
    attemptUnknown(db, p, a, { reason });
    return { kind: 'ambiguous', rail, reason };
  }

  async function reconcile(p: PayoutRow, a: AttemptRow, send: SendJob): Promise<'paid' | 'open'> {
    const res = await fetch(`${e.url}/payouts/${a.idem_key}`);
    if (res.status === 404) {
      // Never arrived: the same key again (the exchange keeps it idempotent).
      await interpret(p, a, await send(job(a)));
      return 'open';
    }
    const body = (await res.json()) as { status: string; txId?: string };
    if (body.status !== 'done') {
      if (a.state !== 'submitted') attemptSubmitted(db, p, a, a.idem_key, { status: body.status });
      return 'open';
    }
    return markPaid(db, p, a, { externalId: body.txId ?? a.idem_key, libNow, facts: { chainTxId: body.txId ?? null } }) ? 'paid' : 'open';
  }

  return {
    name: rail,
    kind: 'http-exchange',
    label: httpExchangeRailKind.labelOf(e),
    usable: () => true,
    beginCycle(c) {
      libNow = c.libNow;
    },
    prepare,
    interpret,
    reconcile,
    balance: async () => BigInt(((await (await fetch(`${e.url}/balance`)).json()) as { availableSats: string }).availableSats),
  };
}
