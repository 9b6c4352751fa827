import { createRequire } from 'node:module';
import type * as Bitsharesjs from 'bitsharesjs';
import type BitsharesWs from 'bitsharesjs-ws';

const require = createRequire(import.meta.url);

/**
 * Makes bitsharesjs use the BitShares mainnet address prefix ("BTS").
 *
 * bitsharesjs-ws defaults to "CBA" and only switches when `Apis` connects to the mainnet chain id,
 * which stakebts never does (offline use only). Idempotent and cheap: every adapter function calls
 * it, so it also repairs a prefix that something else (a `ChainConfig.reset()`) changed.
 */
export function ensureBtsPrefix(): void {
  const { ChainConfig } = require('bitsharesjs-ws') as typeof BitsharesWs;
  if (ChainConfig.address_prefix !== 'BTS') ChainConfig.setPrefix('BTS');
}

/**
 * bitsharesjs's serializer, loaded on first use with the BTS prefix set. Loading it (with bitsharesjs-ws) costs
 * ≈ 18 MB of RSS and ≈ 0.1 s, and a scanning daemon needs it for neither keys, memos nor plain transfers
 * (packTransfers.ts): it is there for operations only bitsharesjs knows how to pack, and for building payouts.
 */
export function serializerOps(): typeof Bitsharesjs.ops {
  const { ops } = require('bitsharesjs') as typeof Bitsharesjs;
  ensureBtsPrefix();
  return ops;
}
