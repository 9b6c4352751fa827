import bitsharesWs from 'bitsharesjs-ws';

const { ChainConfig } = bitsharesWs;

/**
 * Makes bitsharesjs use the BitShares mainnet address prefix ("BTS").
 *
 * bitsharesjs-ws defaults to "CBA" and only switches when `Apis` connects to the mainnet chain id,
 * which stakebts never does (offline use only). Idempotent and cheap: every adapter function calls
 * it, so it also repairs a prefix that something else (a `ChainConfig.reset()`) changed.
 */
export function ensureBtsPrefix(): void {
  if (ChainConfig.address_prefix !== 'BTS') ChainConfig.setPrefix('BTS');
}
