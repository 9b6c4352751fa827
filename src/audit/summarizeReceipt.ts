import { btsText } from './formatAmount.js';

type Msg = Record<string, unknown> & { event?: string };

const ACCOUNT_ID = /^1\.2\.\d+$/;
const MAX = 160;

/** Account id → name, learnt from the receipts themselves (each names its user / recipient next to the id). */
export function namesFromReceipts(messages: readonly Msg[]): Map<string, string> {
  const names = new Map<string, string>();
  for (const m of messages) {
    for (const [idKey, nameKey] of [
      ['userId', 'user'],
      ['recipientId', 'recipient'],
      ['fromId', 'from'],
      ['toId', 'to'],
    ] as const) {
      const id = m[idKey];
      const name = m[nameKey];
      if (typeof id === 'string' && typeof name === 'string' && ACCOUNT_ID.test(id) && !ACCOUNT_ID.test(name)) names.set(id, name);
    }
  }
  return names;
}

const amount = (v: unknown, asset?: unknown) =>
  asset !== undefined && asset !== '1.3.0' ? `${String(v)} (raw units of ${String(asset)})` : btsText(String(v));

/**
 * One line a person can read for a receipt: the event, then its facts with amounts in grouped BTS and accounts by
 * name (ids only in --json / --full). A few events get a sentence; the rest list their scalar facts.
 */
export function summarizeReceipt(m: Msg, names: ReadonlyMap<string, string> = new Map()): string {
  const name = (v: unknown) => (typeof v === 'string' && ACCOUNT_ID.test(v) ? (names.get(v) ?? v) : String(v));
  const at = m.block !== undefined ? ` (op ${m.block}:${m.trx}:${m.op})` : '';
  let text: string;
  switch (m.event) {
    case 'transfer_in':
      text = `${name(m.user ?? m.userId)} sent ${amount(m.amountSats, m.asset)}${m.memo ? ` memo "${String(m.memo).slice(0, 40)}"` : ' no memo'} → ${String(m.outcome)}${at}`;
      break;
    case 'contract_opened':
      text = `contract ${String(m.contractId ?? '')} for ${name(m.user)}: ${btsText(BigInt(Number(m.amountBts ?? 0)) * 100_000n)}, ${String(m.months)} months${at}`;
      break;
    case 'contract_stopped':
      text = `contract ${String(m.contractId)} of ${name(m.user)} stopped: principal ${String(m.principalBts)} − penalty ${String(m.penaltyBts)} BTS, ${String(m.interestAborted)} interest aborted, payout ${String(m.payoutId)}`;
      break;
    default: {
      const facts: string[] = [];
      for (const [k, v] of Object.entries(m)) {
        if (k === 'event' || v === null || v === undefined || typeof v === 'object') continue;
        if (/Id$/.test(k) && typeof v === 'string' && ACCOUNT_ID.test(v) && (m[k.slice(0, -2)] !== undefined || names.has(v))) {
          if (m[k.slice(0, -2)] === undefined) facts.push(`${k.slice(0, -2)} ${name(v)}`);
          continue;
        }
        if (/Sats$/.test(k)) facts.push(`${k.slice(0, -4)} ${amount(v, m.asset)}`);
        else if (/Bts$/.test(k)) facts.push(`${k.slice(0, -3)} ${btsText(BigInt(Number(v)) * 100_000n)}`);
        else facts.push(`${k} ${name(typeof v === 'string' && v.length > 48 ? `${v.slice(0, 47)}…` : v)}`);
      }
      text = `${m.event ?? '?'}: ${facts.join(', ')}`;
    }
  }
  return text.length > MAX ? `${text.slice(0, MAX - 1)}…` : text;
}
