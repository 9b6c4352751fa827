import { describe, expect, it } from 'vitest';
import { blockNumFromId, computeBlockId } from '../../../src/chain/bitshares/blockId.js';
import reply from '../../fixtures/vectors/blocks/get_block-1.json' with { type: 'json' };

describe('block ids as bitshares-core computes them', () => {
  it('mainnet block 1 (verified vector): the id hashes from the header and carries the block number', () => {
    expect(computeBlockId(reply.result)).toBe(reply.result.block_id);
    expect(blockNumFromId(reply.result.block_id)).toBe(1);
  });
  it('any change to the header changes the id', () => {
    const base = reply.result;
    const ids = [
      computeBlockId({ ...base, timestamp: '2015-10-13T14:12:27' }),
      computeBlockId({ ...base, witness: '1.6.9' }),
      computeBlockId({ ...base, transaction_merkle_root: `${'0'.repeat(39)}1` }),
      computeBlockId({ ...base, witness_signature: `20${base.witness_signature.slice(2)}` }),
    ];
    for (const id of ids) {
      expect(id).toMatch(/^00000001[0-9a-f]{32}$/);
      expect(id).not.toBe(base.block_id);
    }
    // Another previous means another number too: block 19 cannot pass as block 18.
    expect(blockNumFromId(computeBlockId({ ...base, previous: `00000012${'ab'.repeat(16)}` }))).toBe(19);
  });
  it('returns null rather than guessing when the header cannot be packed', () => {
    expect(computeBlockId({ ...reply.result, extensions: [[1, {}]] })).toBeNull();
    expect(computeBlockId({ ...reply.result, previous: 'xyz' })).toBeNull();
    expect(blockNumFromId('00000012')).toBeNull();
  });
});
