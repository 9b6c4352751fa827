import { randomBytes } from 'node:crypto';
import type { SimAccountInput } from './createSimExchange.js';

/**
 * Fresh random credentials for `count` simulated accounts (for `stakebts sim bittrex` and the demo).
 * The secrets are random per run and belong to the simulator only.
 */
export function generateSimAccounts(count: number, { balanceSats = 0n }: { balanceSats?: bigint } = {}): SimAccountInput[] {
  return Array.from({ length: count }, (_, i) => ({
    apiKey: randomBytes(16).toString('hex'),
    apiSecret: randomBytes(16).toString('hex'),
    balanceSats,
    depositTag: `${i + 1}${randomBytes(6).toString('hex')}`,
  }));
}
