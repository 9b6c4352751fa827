/**
 * Wording of the memos stakebts sends. Every payment memo names the contract and the row it pays, so a client
 * (and an auditor reading the chain) can match it without the database. Kept short: the memo is part of the fee.
 */

const iso = (ms: number) => new Date(ms).toISOString().replace('.000Z', 'Z');

export function contractReceiptMemo(p: {
  contractId: number;
  months: number;
  amountBts: number;
  start: number;
  block: number;
  trx: number;
  op: number;
}): string {
  return `stakebts contract ${p.contractId}: ${p.months} month stake of ${p.amountBts} BTS from ${iso(p.start)} (block ${p.block} trx ${p.trx} op ${p.op})`;
}

export function installmentMemo(p: { contractId: number; type: string; number: number; amountBts: number }): string {
  const what = p.type === 'interest' ? `interest ${p.number}` : p.type;
  return `stakebts contract ${p.contractId} ${what}: ${p.amountBts} BTS, we appreciate your business!`;
}

export function stopMemo(p: { contractIds: number[]; principalBts: bigint; penaltyBts: bigint }): string {
  return `stakebts stop of contract(s) ${p.contractIds.join(',')}: principal ${p.principalBts} BTS minus ${p.penaltyBts} BTS penalty, plus the BTS sent with the stop`;
}

export function refundMemo(p: { reason: string; feeBts: number; block: number; trx: number; op: number }): string {
  return `stakebts refund (${p.reason}) of your transfer in block ${p.block} trx ${p.trx} op ${p.op}, ${p.feeBts} BTS fee charged`;
}

export function supportNoticeMemo(p: { payoutId: number; amountText: string; purpose: string; contact: string }): string {
  return `your stakebts payment ${p.payoutId} (${p.purpose}) of ${p.amountText} BTS is delayed, please contact ${p.contact}`;
}

/** The memo of a transfer the daemon causes to land on the broker (Bittrex top-up): never refunded. */
export const FUNDING_MEMO = '{"type":"funding"}';
