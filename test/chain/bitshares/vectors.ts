import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Directory of the shared acceptance vectors (see test/fixtures/vectors/README.md). */
export const VECTORS_DIR = fileURLToPath(new URL('../../fixtures/vectors/', import.meta.url));

/** Raw text of a vector file (for checks that must not go through JSON.parse number rounding). */
export function vectorText(rel: string): string {
  return readFileSync(VECTORS_DIR + rel, 'utf8');
}

/** Parsed vector file. Nonces in these files are strings except where a test says otherwise. */
// biome-ignore lint/suspicious/noExplicitAny: vector files are free-form JSON; tests narrow them with local types.
export function loadVector<T = any>(rel: string): T {
  return JSON.parse(vectorText(rel)) as T;
}

export const MAINNET_CHAIN_ID = '4018d7844c78f6a6c41c6a552b898022310fc5dec06da467ee7905a8dad512c8';
export const TESTNET_CHAIN_ID = '39f5e2ede1f8bc1a3a54a7914414e3779e33193f1f5693510e73cb7a87617447';
export const GRAPHENE_DEFAULT_CHAIN_ID = 'b8d1603965b3eb1acba27e62ff59f74efa3154d43a4188d381088ac7cdf35539';
