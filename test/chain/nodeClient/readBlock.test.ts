import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readBlock } from '../../../src/chain/nodeClient/readBlock.js';
import { blockSchema } from '../../../src/chain/nodeClient/schemas.js';

const mainnet = JSON.parse(readFileSync('test/fixtures/vectors/blocks/get_block-1.json', 'utf8'));
const block = (mainnet.result ?? mainnet) as Record<string, any>;
const tx = (over: Record<string, unknown>) => ({ ...block, transactions: [{ ...(block.transactions[0] ?? TX), ...over }] });
const TX = { ref_block_num: 1, ref_block_prefix: 2, expiration: '2024-01-01T00:00:00', operations: [[0, { fee: {} }]], signatures: [] };
const ID = 'ab'.repeat(20);

/** [case, block]: readBlock must accept exactly what blockSchema accepts, and return the very object. */
const CASES: Array<[string, unknown]> = [
  ['the mainnet vector', block],
  ['a plain signed_block (no block_id, transaction_ids)', (({ block_id: _a, transaction_ids: _b, signing_key: _c, ...p }) => p)(block)],
  ['a block with one transaction', { ...block, transactions: [TX] }],
  ['extra fields pass', { ...block, something_new: 1, transactions: [{ ...TX, extra: true }] }],
  ['not an object', 'block'],
  ['an array', [block]],
  ['previous not an id', { ...block, previous: 'xyz' }],
  ['previous upper-case', { ...block, previous: ID.toUpperCase() }],
  ['timestamp a number', { ...block, timestamp: 5 }],
  ['no witness', (({ witness: _w, ...p }) => p)(block)],
  ['merkle root null', { ...block, transaction_merkle_root: null }],
  ['extensions an object', { ...block, extensions: {} }],
  ['witness_signature a number', { ...block, witness_signature: 1 }],
  ['block_id short', { ...block, block_id: 'ab' }],
  ['block_id fine', { ...block, block_id: ID }],
  ['transaction_ids numbers', { ...block, transaction_ids: [1] }],
  ['transactions missing', (({ transactions: _t, ...p }) => p)(block)],
  ['a transaction null', { ...block, transactions: [null] }],
  ['ref_block_num a string', tx({ ref_block_num: '1' })],
  ['ref_block_prefix fractional', tx({ ref_block_prefix: 1.5 })],
  ['expiration missing', tx({ expiration: undefined })],
  ['signatures numbers', tx({ signatures: [1] })],
  ['operation_results an object', tx({ operation_results: {} })],
  ['operations not an array', tx({ operations: {} })],
  ['an operation of three', tx({ operations: [[0, {}, 1]] })],
  ['an operation type negative', tx({ operations: [[-1, {}]] })],
  ['an operation type fractional', tx({ operations: [[0.5, {}]] })],
  ['an operation payload an array', tx({ operations: [[0, []]] })],
  ['an operation payload null', tx({ operations: [[0, null]] })],
  ['an unknown operation type with a payload', tx({ operations: [[77, { anything: [1, 2] }]] })],
];

describe('readBlock: the same answers as blockSchema, without a copy', () => {
  it.each(CASES)('%s', (_label, raw) => {
    const zod = blockSchema.safeParse(raw);
    if (zod.success) {
      expect(readBlock(raw)).toBe(raw);
      expect(readBlock(raw)).toEqual(zod.data);
    } else {
      expect(() => readBlock(raw)).toThrow();
    }
  });

  it('the table has both kinds', () => {
    const ok = CASES.filter(([, raw]) => blockSchema.safeParse(raw).success).length;
    expect(ok).toBeGreaterThanOrEqual(5);
    expect(CASES.length - ok).toBeGreaterThanOrEqual(20);
  });

  it('null is no block', () => {
    expect(readBlock(null)).toBeNull();
  });
});
