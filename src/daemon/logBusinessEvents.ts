import type { Database } from 'better-sqlite3';
import type { Logger } from 'pino';
import { lastReceiptId, receiptsAfter } from '../db/receiptsAfter.js';

type Line = { level: 'info' | 'warn'; text: string; fields: Record<string, unknown> };

const pick = (msg: Record<string, unknown>, keys: string[]) =>
  Object.fromEntries(keys.filter((k) => msg[k] !== undefined && msg[k] !== null).map((k) => [k, msg[k]]));

/**
 * The log line of a business event receipt, or null for the rest (blocks, attempts, start-up…). One line each, with
 * the client, the amount and the ids an operator greps for; never the memo text (the client's words stay in the
 * receipt).
 */
export function businessLogLine(receiptId: number, msg: Record<string, unknown>): Line | null {
  const ids = { receipt: receiptId };
  switch (msg.event) {
    case 'contract_opened':
      return {
        level: 'info',
        text: 'contract opened',
        fields: { ...ids, ...pick(msg, ['user', 'contractId', 'amountBts', 'months', 'txId', 'blockNum']) },
      };
    case 'stop_settled':
      return {
        level: 'info',
        text: 'stop settled',
        fields: { ...ids, ...pick(msg, ['user', 'contractIds', 'payoutSats', 'payoutId', 'txId']) },
      };
    case 'invalid':
      return {
        level: 'info',
        text: 'refund queued',
        fields: { ...ids, ...pick(msg, ['user', 'reason', 'refundBts', 'amountSats', 'payoutId', 'txId']) },
      };
    case 'payout_intent':
      return { level: 'info', text: 'payment queued', fields: { ...ids, ...pick(msg, ['user', 'purpose', 'amountBts', 'payoutId']) } };
    case 'payout_attempt_submitted':
      return { level: 'info', text: 'payment sent', fields: { ...ids, ...pick(msg, ['payoutId', 'rail', 'externalId', 'idemKey']) } };
    case 'payout_paid':
      return {
        level: 'info',
        text: 'payment paid',
        fields: { ...ids, ...pick(msg, ['user', 'purpose', 'amountSats', 'payoutId', 'rail', 'idemKey']) },
      };
    case 'alarm':
      return { level: 'warn', text: `alarm ${String(msg.kind)}`, fields: { ...ids, ...pick(msg, ['kind', 'payoutId', 'user', 'reason']) } };
    default:
      return null;
  }
}

/**
 * Logs every new business event receipt (from the ones written after the call) every `everyMs`: the receipts are
 * the one record of what happened, so the log can never say something the audit trail does not.
 */
export function tapBusinessEvents(db: Database, logger: Logger, signal: AbortSignal, everyMs = 1_000): () => void {
  let after = lastReceiptId(db);
  const drain = () => {
    try {
      for (let batch = receiptsAfter(db, after); batch.length > 0; batch = receiptsAfter(db, after)) {
        for (const r of batch) {
          after = r.id;
          const line = businessLogLine(r.id, JSON.parse(r.msg) as Record<string, unknown>);
          if (line) logger[line.level](line.fields, line.text);
        }
      }
    } catch (err) {
      logger.debug({ err }, 'business event log tap: will retry'); // a busy database: the next tick catches up
    }
  };
  const timer = setInterval(drain, everyMs);
  timer.unref();
  const stop = () => {
    clearInterval(timer);
    drain();
  };
  signal.addEventListener('abort', stop, { once: true });
  return stop;
}
