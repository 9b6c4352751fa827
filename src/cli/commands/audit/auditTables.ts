import { groupedBts } from '../../../audit/formatAmount.js';
import { formatRows, type OutputFormat } from '../../../audit/formatRows.js';
import type { ContractState, ContractSummary } from '../../../audit/listContracts.js';
import { namesFromReceipts, summarizeReceipt } from '../../../audit/summarizeReceipt.js';
import type { PayoutRow } from '../../../db/payouts.js';
import type { ReceiptRow } from '../../../db/receipts.js';
import { formatBts } from '../../../domain/money.js';
import { iso } from './auditArgs.js';

/** Filter values: anything else is a usage error that lists these. */
export { PAYOUT_PURPOSES, PAYOUT_STATES } from '../../../db/payouts.js';
export const RECEIPT_EVENTS = [
  'admin_expired',
  'admin_queued',
  'admin_refused',
  'alarm',
  'backup',
  'balances',
  'broker_transfer_out',
  'contract_imported',
  'contract_opened',
  'contract_stopped',
  'fee_refused',
  'funding',
  'incoming_failed',
  'installment_zero',
  'invalid',
  'loan_recorded',
  'node_refused',
  'outgoing_failed',
  'payout_attempt',
  'payout_attempt_adopted',
  'payout_attempt_retry',
  'payout_attempt_submitted',
  'payout_attempt_unknown',
  'payout_deferred',
  'payout_intent',
  'payout_paid',
  'payout_reset',
  'penalty_aborted',
  'recovery_complete',
  'schema_migrated',
  'shutdown',
  'startup',
  'stop_settled',
  'support_notice_queued',
  'transfer_in',
  'treasury_topup_queued',
  'unsupported_asset',
  'withdrawal_explained',
] as const;

export function formatReceipts(rows: ReceiptRow[], format: OutputFormat, full = false): string {
  const messages = rows.map((r) => JSON.parse(r.msg) as Record<string, unknown> & { event?: string });
  const names = namesFromReceipts(messages);
  const index = new Map(rows.map((r, i) => [r.id, messages[i] ?? {}]));
  return formatRows<ReceiptRow>(
    rows,
    [
      { header: 'id', value: (r) => r.id },
      { header: 'nonce', value: (r) => r.nonce },
      { header: 'time (UTC)', value: (r) => iso(r.now) },
      { header: 'event', value: (r) => index.get(r.id)?.event ?? '' },
      full || format === 'csv'
        ? { header: 'message', value: (r) => r.msg }
        : { header: 'summary', value: (r) => summarizeReceipt(index.get(r.id) ?? {}, names) },
    ],
    format,
    (r) => ({ id: r.id, nonce: r.nonce, now: r.now, msg: JSON.parse(r.msg) as unknown, hash: r.hash }),
  );
}

export function formatContracts(rows: ContractSummary[], format: OutputFormat): string {
  const human = format === 'table';
  return formatRows<ContractSummary>(
    rows,
    [
      { header: 'id', value: (c) => c.id },
      { header: 'user', value: (c) => c.user },
      { header: 'amount (BTS)', value: (c) => (human ? groupedBts(BigInt(c.amountBts) * 100_000n) : c.amountBts) },
      { header: 'months', value: (c) => c.months },
      { header: 'start (UTC)', value: (c) => iso(c.start) },
      { header: 'maturity (UTC)', value: (c) => iso(c.maturity) },
      { header: 'state', value: (c): ContractState => c.state },
      { header: 'interest paid', value: (c) => `${c.interestPaid}/${c.months}` },
      {
        header: 'stop paid (BTS)',
        value: (c) => (c.stopPayoutId === null ? '' : `${bts(c.stopShareSats, human)} (payout ${c.stopPayoutId})`),
      },
      { header: 'paid (BTS)', value: (c) => bts(c.paidSats, human) },
      { header: 'origin', value: (c) => c.origin },
    ],
    format,
  );
}

/** Grouped for a terminal; plain 5-decimal BTS in CSV, where a spreadsheet parses it. */
export const bts = (sats: string | number | bigint, human: boolean) => (human ? groupedBts(sats) : formatBts(BigInt(sats)));

export function formatPayouts(rows: Array<PayoutRow & { attempt_rows?: number; tries?: unknown[] }>, format: OutputFormat): string {
  const human = format === 'table';
  return formatRows<PayoutRow & { attempt_rows?: number; tries?: unknown[] }>(
    rows,
    [
      { header: 'id', value: (p) => p.id },
      { header: 'purpose', value: (p) => p.purpose },
      { header: 'contract', value: (p) => p.contract_id },
      { header: 'row', value: (p) => p.stake_id },
      { header: 'recipient', value: (p) => p.recipient },
      { header: 'amount (BTS)', value: (p) => bts(p.amount_sats, human) },
      { header: 'state', value: (p) => p.state },
      { header: 'rail', value: (p) => p.rail },
      { header: 'tx / withdrawal id', value: (p) => p.external_id },
      // The tries on rails (payout_attempts rows), numbered "try 1, 2…" in the contract's timeline.
      { header: 'tries', value: (p) => p.attempt_rows ?? p.tries?.length ?? 0 },
      { header: 'created (UTC)', value: (p) => iso(p.created_at) },
      { header: 'paid (UTC)', value: (p) => (p.paid_at === null ? null : iso(p.paid_at)) },
    ],
    format,
    (p) => {
      const { tries, attempt_rows, ...rest } = p;
      return { ...rest, tries: attempt_rows ?? tries?.length ?? 0 };
    },
  );
}
