import { BaseError } from '../errors/BaseError.js';

/** BTS has precision 5: 1 BTS = 100 000 satoshis. */
export const BTS_PRECISION = 5;
export const SATS_PER_BTS = 100_000n;
export const BTS_ASSET_ID = '1.3.0';
/**
 * BTS's max supply on mainnet (asset 1.3.0 `options.max_supply`), satoshis: about 3.6 billion BTS. The daemon reads
 * the live value from the chain; this cap serves where the chain is not asked (CLI input checks).
 */
export const BTS_MAX_SUPPLY_SATS = 360_057_050_210_207n;

/**
 * Parses an integer amount as a node sends it (number up to 2^32, decimal string above) into satoshis.
 * Rejects fractions, exponents and anything that is not a plain integer: a float never enters money arithmetic.
 */
export function parseSats(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new BaseError('INVALID_AMOUNT', `Amount is not a safe integer: ${value}`);
    return BigInt(value);
  }
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return BigInt(value);
  throw new BaseError('INVALID_AMOUNT', `Amount is not an integer: ${JSON.stringify(value)?.slice(0, 40)}`);
}

/** Whole BTS to satoshis. */
export function btsToSats(bts: bigint | number): bigint {
  return BigInt(bts) * SATS_PER_BTS;
}

/** Satoshis to whole BTS, rounding down (the fraction stays with the broker, per RULES.md). */
export function satsToWholeBts(sats: bigint): bigint {
  if (sats < 0n) throw new BaseError('INVALID_AMOUNT', 'Negative amount');
  return sats / SATS_PER_BTS;
}

/** Satoshis as a decimal BTS string with 5 decimals ("12.34500"), for display and exchange bodies. */
export function formatBts(sats: bigint, decimals = BTS_PRECISION): string {
  const neg = sats < 0n;
  const abs = neg ? -sats : sats;
  const whole = abs / SATS_PER_BTS;
  const frac = (abs % SATS_PER_BTS).toString().padStart(BTS_PRECISION, '0').slice(0, decimals);
  return `${neg ? '-' : ''}${whole}${decimals > 0 ? `.${frac}` : ''}`;
}

/**
 * Parses a decimal string ("21.72840348", "5", "0.1") into BTS satoshis. Digits beyond precision 5 must be
 * zero unless `truncate` is set (exchange balances carry 8 decimals; truncating under-reports, never over-reports).
 */
export function parseDecimalBts(text: string, { truncate = false }: { truncate?: boolean } = {}): bigint {
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new BaseError('INVALID_AMOUNT', `Not a decimal amount: ${JSON.stringify(text.slice(0, 40))}`);
  const [, sign, whole = '0', frac = ''] = m;
  const kept = frac.slice(0, BTS_PRECISION).padEnd(BTS_PRECISION, '0');
  const dropped = frac.slice(BTS_PRECISION);
  if (!truncate && /[1-9]/.test(dropped)) {
    throw new BaseError('INVALID_AMOUNT', `More than ${BTS_PRECISION} decimals: ${JSON.stringify(text.slice(0, 40))}`);
  }
  const sats = BigInt(whole) * SATS_PER_BTS + BigInt(kept);
  return sign ? -sats : sats;
}

/** floor(amount × bps / 10 000) on integers. */
export function applyBps(amount: bigint, bps: number): bigint {
  if (!Number.isSafeInteger(bps) || bps < 0) throw new BaseError('INVALID_AMOUNT', `Bad basis points: ${bps}`);
  return (amount * BigInt(bps)) / 10_000n;
}
