import { formatBts } from '../domain/money.js';

/**
 * Satoshis as BTS for people: thousands grouped with commas, trailing zero decimals dropped ("21,351",
 * "1,234.5"). Exact (string arithmetic on the integer), never a float.
 */
export function groupedBts(sats: bigint | string | number): string {
  const text = formatBts(BigInt(sats));
  const neg = text.startsWith('-');
  const [whole = '0', frac = ''] = (neg ? text.slice(1) : text).split('.');
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const tail = frac.replace(/0+$/, '');
  return `${neg ? '-' : ''}${grouped}${tail ? `.${tail}` : ''}`;
}

/** {@link groupedBts} with the unit. */
export const btsText = (sats: bigint | string | number): string => `${groupedBts(sats)} BTS`;
