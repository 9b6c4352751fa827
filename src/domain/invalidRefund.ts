import type { Terms } from '../config/configSchema.js';
import { SATS_PER_BTS } from './money.js';

/**
 * Refund of an invalid transfer (RULES.md): whole BTS received − fee, sent only if it is more than the minimum;
 * otherwise everything is kept. The sub-BTS fraction always stays with the broker.
 */
export function invalidRefund(amountSats: bigint, terms: Pick<Terms, 'invalidFee' | 'minRefund'>): { refundBts: number; keptSats: bigint } {
  const wholeBts = amountSats / SATS_PER_BTS;
  const refund = wholeBts - BigInt(terms.invalidFee);
  if (refund > BigInt(terms.minRefund)) {
    return { refundBts: Number(refund), keptSats: amountSats - refund * SATS_PER_BTS };
  }
  return { refundBts: 0, keptSats: amountSats };
}
