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

/** An asset as the chain describes it (`get_assets`): what its integer amounts mean. */
export type AssetInfo = { symbol: string; precision: number };

/**
 * An amount of any asset for people: its integer units shown with the asset's precision and symbol ("12.5 USD"),
 * thousands grouped; exact (string arithmetic). Without the asset's facts, the raw units, the id and "(precision
 * unknown)", so nothing is guessed.
 */
export function assetText(units: bigint | string, assetId: string, asset: AssetInfo | null | undefined): string {
  const raw = BigInt(units);
  if (!asset) return `${raw} of ${assetId} (precision unknown)`;
  const neg = raw < 0n;
  const digits = (neg ? -raw : raw).toString().padStart(asset.precision + 1, '0');
  const whole = digits.slice(0, digits.length - asset.precision).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const frac = digits.slice(digits.length - asset.precision).replace(/0+$/, '');
  return `${neg ? '-' : ''}${whole}${frac ? `.${frac}` : ''} ${asset.symbol}`;
}
