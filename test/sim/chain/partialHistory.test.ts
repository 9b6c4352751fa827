import { afterEach, describe, expect, it } from 'vitest';
import { createNodeClient } from '../../../src/chain/nodeClient/index.js';
import { type ChainSimulator, startChainSimulator } from '../../../src/sim/chain/index.js';

let sim: ChainSimulator | undefined;
let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  await sim?.close();
});

const planted = Array.from({ length: 30 }, (_, i) => ({ block: 10 + i * 5, from: `c${i % 3}`, amountSats: 1_000_000n }));

describe('chain simulator: partial history (account_history plugin max-ops-per-account)', () => {
  it('keeps the newest N operations, counts the rest in removed_ops, and pages only what it keeps', async () => {
    sim = await startChainSimulator({
      historyApi: true,
      maxOpsPerAccount: 10,
      syntheticHistory: { blocks: 200, broker: 'stakebts-broker', seed: 3, opsPerBlock: 2, transfersToBroker: planted },
    });
    const node = createNodeClient({ urls: [sim.url], expectedChainId: sim.chainId });
    close = () => node.close();
    const id = sim.account('stakebts-broker')!.id;
    expect(await node.getAccountStatistics(id)).toMatchObject({ totalOps: 30n, removedOps: 20n });
    const page = await node.getAccountHistory(id, '1.11.0', 100, '1.11.0');
    expect(page.map((h) => h.blockNum)).toEqual(
      planted
        .slice(20)
        .map((p) => p.block)
        .reverse(),
    ); // newest first
    // Paging below the oldest kept operation finds nothing more.
    const below = Number(page.at(-1)!.id.split('.')[2]) - 1;
    expect(await node.getAccountHistory(id, '1.11.0', 100, `1.11.${below}`)).toEqual([]);
  });

  it('answers get_relative_account_history only above removed_ops (api.cpp: start > stats.removed_ops)', async () => {
    sim = await startChainSimulator({
      historyApi: true,
      maxOpsPerAccount: 10,
      syntheticHistory: { blocks: 200, broker: 'stakebts-broker', seed: 3, opsPerBlock: 2, transfersToBroker: planted },
    });
    const id = sim.account('stakebts-broker')!.id;
    expect(sim.state.relativeHistory(id, 0, 100, 20)).toEqual([]); // sequence 20 and below were removed
    expect(sim.state.relativeHistory(id, 0, 100, 0).map((h) => h.block_num)).toEqual(
      planted
        .slice(20)
        .map((p) => p.block)
        .reverse(),
    );
    expect(sim.state.relativeHistory(id, 25, 100, 27).map((h) => h.block_num)).toEqual([
      planted[26]!.block,
      planted[25]!.block,
      planted[24]!.block,
    ]);
  });
});
