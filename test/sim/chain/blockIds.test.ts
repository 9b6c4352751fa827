import { afterEach, describe, expect, it } from 'vitest';
import { computeBlockId } from '../../../src/chain/bitshares/blockId.js';
import { type ChainSimulator, startChainSimulator } from '../../../src/sim/chain/index.js';

let sim: ChainSimulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

describe('the simulator’s block ids are what a node computes', () => {
  it('every synthetic and live block id hashes from its header, and each previous is the id before it', async () => {
    sim = await startChainSimulator({ syntheticHistory: { blocks: 3_000, seed: 4 } });
    sim.createAccount('someone');
    sim.produceBlocks(5);
    let previous = '0'.repeat(40);
    for (let n = 1; n <= sim.headBlockNumber; n++) {
      const b = sim.state.block(n) as Record<string, unknown> & { block_id: string; previous: string };
      expect(b.previous).toBe(previous);
      expect(computeBlockId(b as unknown as Parameters<typeof computeBlockId>[0])).toBe(b.block_id);
      previous = b.block_id;
    }
  });
});
