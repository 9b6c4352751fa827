import type { Database } from 'better-sqlite3';
import { type StakeRow, stakesOfContract } from '../db/contracts.js';
import { type AttemptRow, attemptsOf } from '../db/payoutAttempts.js';
import type { PayoutRow } from '../db/payouts.js';
import { type ReceiptRow, receiptsOfNonce } from '../db/receipts.js';
import { btsText } from './formatAmount.js';
import { type ContractSummary, listContracts } from './listContracts.js';
import { listPayouts } from './listPayouts.js';

/** One line of a contract's timeline. */
export type StoryEvent = {
  time: number;
  kind: 'receipt' | 'payout_created' | 'attempt' | 'payout_paid';
  /** `receipt 12`, `payout 4`, `attempt 9`. */
  ref: string;
  what: string;
  /** Chain tx id or Bittrex withdrawal id, when the event has one. */
  externalId: string | null;
};

export type ContractStory = {
  contract: ContractSummary;
  rows: StakeRow[];
  payouts: Array<PayoutRow & { tries: AttemptRow[] }>;
  receipts: ReceiptRow[];
  /** Receipts, intents, attempts and completions merged in time order (ties keep that order). */
  timeline: StoryEvent[];
};

/** Everything recorded about one contract: its rows, every payment with its tx / withdrawal ids, every receipt. */
export function contractStory(db: Database, contractId: number): ContractStory | null {
  const contract = listContracts(db, { id: contractId })[0];
  if (!contract) return null;
  const rows = stakesOfContract(db, contractId);
  const payouts = listPayouts(db, { contract: contractId }).map((p) => ({ ...p, tries: attemptsOf(db, p.id) }));
  const receipts = receiptsOfNonce(db, contractId);

  const timeline: StoryEvent[] = [];
  for (const r of receipts) {
    const msg = JSON.parse(r.msg) as { event?: string; txId?: unknown; withdrawalId?: unknown; chainTxId?: unknown };
    // Payment receipts carry the Bittrex withdrawal id and chain tx id the payout rows do not keep.
    const ids = [msg.withdrawalId, msg.chainTxId ?? msg.txId].filter((x): x is string => typeof x === 'string' && x !== '');
    timeline.push({
      time: r.now,
      kind: 'receipt',
      ref: `receipt ${r.id}`,
      what: msg.event ?? '?',
      externalId: ids.length ? ids.join(' / ') : null,
    });
  }
  for (const p of payouts) {
    const paying = p.stake_id === null ? p.purpose : `${p.purpose} (row ${p.stake_id})`;
    timeline.push({
      time: p.created_at,
      kind: 'payout_created',
      ref: `payout ${p.id}`,
      what: `intent ${paying} ${btsText(p.amount_sats)} to ${p.recipient}`,
      externalId: null,
    });
    for (const a of p.tries) {
      timeline.push({
        time: a.created_at,
        kind: 'attempt',
        ref: `attempt ${a.id}`,
        what: `payout ${p.id} try ${a.attempt_no} on ${a.rail}: ${a.state}`,
        externalId: a.external_id ?? a.idem_key,
      });
    }
    if (p.state === 'paid') {
      timeline.push({
        time: p.paid_at ?? p.updated_at,
        kind: 'payout_paid',
        ref: `payout ${p.id}`,
        what: `paid on ${p.rail ?? '?'}`,
        externalId: p.external_id,
      });
    }
  }
  const order: Record<StoryEvent['kind'], number> = { receipt: 0, payout_created: 1, attempt: 2, payout_paid: 3 };
  timeline.sort((a, b) => a.time - b.time || order[a.kind] - order[b.kind]);
  return { contract, rows, payouts, receipts, timeline };
}
