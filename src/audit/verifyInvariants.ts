import type { Database } from 'better-sqlite3';
import type { Terms } from '../config/configSchema.js';
import {
  allContractLines,
  contractsEndedBy,
  importedMonthsPaid,
  incomingAmountAt,
  payoutsOfPurposes,
  payoutsOfStakeRow,
  singleRowAmount,
  stakeRowsOf,
  stakeTypeAndContract,
} from '../db/invariantRows.js';
import { contractSchedule } from '../domain/contractSchedule.js';
import { SATS_PER_BTS } from '../domain/money.js';

/** One broken invariant, naming the record at fault (`stake 12`, `payout 4`, `contract 3`). */
export type InvariantFailure = { check: string; ref: string; message: string };

/** Purposes whose intent must point at the stake row it pays, of that type. */
const STAKE_BACKED = { contract_receipt: /^contract_\d+$/, interest: /^interest$/, principal: /^principal$/ } as const;

/**
 * Checks the money invariants of RULES.md over the whole database (read-only):
 * 1. every `paid` interest / principal / contract row has exactly one `paid` payout (legacy rows paid at import excepted);
 * 2. no stake-backed payout without its row, of the right type; no paid payout on an unpaid row;
 * 3. a paid payout pays exactly its row's amount in satoshis;
 * 4. every contract's rows are the schedule RULES.md gives for its amount, term and start (config terms);
 * 5. a stopped contract has no interest paid for a month due after the stop, and a stop payout is
 *    Σ(principal − penalty) + the BTS sent with the stop.
 * @returns the failures, empty when everything holds
 */
export function verifyInvariants(db: Database, terms: Terms): InvariantFailure[] {
  const failures: InvariantFailure[] = [];
  const fail = (check: string, ref: string, message: string) => failures.push({ check, ref, message });

  const contracts = allContractLines(db);
  const importedPaid = importedMonthsPaid(db);
  const allowedMonths = new Set(Object.values(terms.months));

  for (const c of contracts) {
    const rows = stakeRowsOf(db, c.id);
    // 4. the schedule, recomputed from the contract's terms
    if (c.origin === 'chain' && !terms.amounts.includes(c.amount))
      fail('schedule', `contract ${c.id}`, `amount ${c.amount} BTS is not an allowed stake amount`);
    if (!allowedMonths.has(c.months)) fail('schedule', `contract ${c.id}`, `term of ${c.months} months is not a configured term`);
    const expected = contractSchedule({ amountBts: c.amount, months: c.months, start: c.start }, terms);
    const key = (type: string, n: number) => `${type}#${n}`;
    const actual = new Map(rows.map((r) => [key(r.type, r.number), r]));
    for (const e of expected) {
      const r = actual.get(key(e.type, e.number));
      if (!r) {
        fail('schedule', `contract ${c.id}`, `row ${e.type} ${e.number} is missing`);
        continue;
      }
      actual.delete(key(e.type, e.number));
      if (r.amount !== e.amount)
        fail('schedule', `stake ${r.id}`, `${r.type} ${r.number} of contract ${c.id} is ${r.amount} BTS; RULES.md gives ${e.amount} BTS`);
      if (r.due !== e.due)
        fail('schedule', `stake ${r.id}`, `${r.type} ${r.number} of contract ${c.id} is due at ${r.due}; RULES.md gives ${e.due}`);
      if (r.user !== c.user) fail('schedule', `stake ${r.id}`, `row names ${r.user}, contract ${c.id} belongs to ${c.user}`);
    }
    for (const r of actual.values()) fail('schedule', `stake ${r.id}`, `${r.type} ${r.number} is not part of contract ${c.id}'s schedule`);

    // 1. paid rows have exactly one paid payout; 3. of the row's amount
    const monthsPaidAtImport = c.origin === 'import' ? (importedPaid.get(c.id) ?? 0) : -1;
    for (const r of rows) {
      const payouts = payoutsOfStakeRow(db, r.id);
      const paid = payouts.filter((p) => p.state === 'paid');
      const backed = r.type === 'interest' || r.type === 'principal' || r.type.startsWith('contract_');
      if (backed && r.status === 'paid') {
        const paidAtImport =
          monthsPaidAtImport >= 0 && (r.type.startsWith('contract_') || (r.type === 'interest' && r.number <= monthsPaidAtImport));
        if (paid.length === 0 && !paidAtImport)
          fail('paid_once', `stake ${r.id}`, `${r.type} ${r.number} of contract ${c.id} is paid but has no paid payout`);
        if (paidAtImport && paid.length > 0)
          fail(
            'paid_once',
            `stake ${r.id}`,
            `${r.type} ${r.number} of contract ${c.id} was paid at import and paid again by payout ${paid[0]?.id}`,
          );
      }
      if (paid.length > 1)
        fail(
          'paid_once',
          `stake ${r.id}`,
          `${r.type} ${r.number} of contract ${c.id} has ${paid.length} paid payouts (${paid.map((p) => p.id).join(', ')})`,
        );
      for (const p of paid) {
        const want = BigInt(r.amount) * SATS_PER_BTS;
        if (BigInt(p.amount_sats) !== want)
          fail(
            'amount',
            `payout ${p.id}`,
            `pays ${p.amount_sats} sats for ${r.type} ${r.number} of contract ${c.id}, whose amount is ${want} sats`,
          );
        if (r.status !== 'paid') fail('paid_once', `payout ${p.id}`, `is paid but its row (stake ${r.id}) is ${r.status}`);
      }
    }

    // 5. no interest for a month after the stop
    const principal = rows.find((r) => r.type === 'principal');
    if (principal?.status === 'premature') {
      const stopAt = principal.processed ?? Number.POSITIVE_INFINITY;
      for (const r of rows) {
        if (r.type === 'interest' && r.status === 'paid' && r.due > stopAt) {
          fail(
            'stop',
            `stake ${r.id}`,
            `interest ${r.number} of contract ${c.id} was paid though due after the stop (${r.due} > ${stopAt})`,
          );
        }
        if (r.type === 'interest' && r.status === 'pending' && r.due > stopAt) {
          fail('stop', `stake ${r.id}`, `interest ${r.number} of stopped contract ${c.id} is still pending`);
        }
      }
    }
  }

  // 2. stake-backed payouts have their row, of the right type
  for (const p of payoutsOfPurposes(db, ['contract_receipt', 'interest', 'principal'])) {
    const pattern = STAKE_BACKED[p.purpose as keyof typeof STAKE_BACKED];
    if (p.stake_id === null) {
      fail('row_exists', `payout ${p.id}`, `${p.purpose} payout has no stake row`);
      continue;
    }
    const row = stakeTypeAndContract(db, p.stake_id);
    if (!row) fail('row_exists', `payout ${p.id}`, `pays stake ${p.stake_id}, which does not exist`);
    else if (!pattern.test(row.type))
      fail('row_exists', `payout ${p.id}`, `is a ${p.purpose} payout but pays a ${row.type} row (stake ${p.stake_id})`);
    else if (p.contract_id !== null && p.contract_id !== row.contract_id)
      fail('row_exists', `payout ${p.id}`, `names contract ${p.contract_id} but its row belongs to contract ${row.contract_id}`);
  }
  failures.push(...verifyStopPayouts(db));
  return failures;
}

/** A stop payout pays Σ(principal − penalty) of the contracts it ended plus the satoshis sent with the stop. */
function verifyStopPayouts(db: Database): InvariantFailure[] {
  const out: InvariantFailure[] = [];
  const stops = payoutsOfPurposes(db, ['stop']);
  for (const p of stops) {
    const m = /^stop:(\d+):(\d+):(\d+)$/.exec(p.source_key);
    const sent = m ? incomingAmountAt(db, Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
    if (sent === undefined) {
      out.push({ check: 'stop', ref: `payout ${p.id}`, message: `stop payout ${p.source_key} has no incoming stop transfer` });
      continue;
    }
    const ended = contractsEndedBy(db, p.id);
    let want = BigInt(sent);
    for (const e of ended) {
      // The rows are the authority (the receipt only says which contracts this stop ended).
      const principal = singleRowAmount(db, e.nonce, 'principal');
      const penalty = singleRowAmount(db, e.nonce, 'penalty');
      want += (BigInt(principal ?? 0) - BigInt(penalty ?? 0)) * SATS_PER_BTS;
    }
    if (ended.length === 0) out.push({ check: 'stop', ref: `payout ${p.id}`, message: 'stop payout ended no contract' });
    else if (BigInt(p.amount_sats) !== want) {
      out.push({
        check: 'stop',
        ref: `payout ${p.id}`,
        message: `stop pays ${p.amount_sats} sats; Σ(principal − penalty) + sent = ${want} sats`,
      });
    }
  }
  return out;
}
