/**
 * What falls due at a point in chain time (RULES.md "Maturity and interest"): due is a fact of chain time, so a
 * block applied late (downtime, catch-up, a restored backup) first settles everything due at or before its own
 * timestamp, and only then are its operations applied. Pure: the ledger feeds it the rows, it says what to do.
 */

export type DueRowStatus = 'pending' | 'paid' | 'aborted' | 'premature';

export type DueRow = {
  id: number;
  contractId: number;
  type: string;
  number: number;
  /** Whole BTS. */
  amount: number;
  /** Chain time, ms. */
  due: number;
  status: DueRowStatus;
  /** A payment for this row exists already (the row is being paid, or was scheduled by an earlier pass). */
  inPayment: boolean;
};

export type DueSettlement<R extends DueRow = DueRow> = {
  /** `interest` / `principal` rows due and not yet handed to a payment: each becomes one payment. */
  pay: R[];
  /** Due rows of amount 0: settled as paid, nothing to send. */
  settleZero: R[];
  /** `penalty` rows of contracts that matured (principal due, not stopped): aborted, never deducted. */
  abortPenalties: R[];
};

/**
 * Settles, at chain time `at`, the rows of any number of contracts.
 * @param rows - rows of the contracts concerned (rows of other types and of other states are ignored)
 * @param at - chain time (ms): a row with `due <= at` is due
 */
export function settleDue<R extends DueRow>(rows: readonly R[], at: number): DueSettlement<R> {
  const out: DueSettlement<R> = { pay: [], settleZero: [], abortPenalties: [] };
  const maturedContracts = new Set<number>();
  for (const r of rows) {
    if (r.type === 'principal' && r.due <= at && r.status !== 'premature') maturedContracts.add(r.contractId);
  }
  for (const r of rows) {
    if (r.status !== 'pending' || r.due > at) continue;
    if (r.type === 'interest' || r.type === 'principal') {
      if (r.inPayment) continue;
      (r.amount > 0 ? out.pay : out.settleZero).push(r);
    } else if (r.type === 'penalty' && maturedContracts.has(r.contractId)) {
      out.abortPenalties.push(r);
    }
  }
  const order = (a: DueRow, b: DueRow) => a.due - b.due || a.id - b.id;
  out.pay.sort(order);
  out.settleZero.sort(order);
  out.abortPenalties.sort(order);
  return out;
}

/**
 * A contract is open at chain time `at` when its principal is still pending, not being paid, and not yet due:
 * only such contracts can be ended by a stop in a block of that time (RULES.md "Stop").
 */
export function isOpenAt(principal: Pick<DueRow, 'due' | 'status' | 'inPayment'>, at: number): boolean {
  return principal.status === 'pending' && !principal.inPayment && principal.due > at;
}
